"""Aid rules: may this firm receive this amount through this instrument? (pure, no database)

Given a request (eligible costs by type, the firm's size class), an instrument's rules, the
amount asked and the firm's aid history, `aid_check` returns a `Verdict`: allowed, or the
list of rules the aid would break, each with its figures. Four rules, all data:

1. **Eligible costs** — only the cost types the instrument covers count
   (`InstrumentRules.eligible_cost_types`); a request with none of them is refused.
2. **Aid intensity** — the amount asked may not exceed a share of the eligible costs that
   depends on the firm's size class (décret n° 2008-1354: micro, PME, ETI, GE); a size class
   the instrument gives 0 % to is not eligible. The intensity is measured on the nominal
   amount (what the programme lends or grants), the programme's own rule.
3. **Ceiling per firm** — the nominal amounts the programme has granted the firm with the
   same instrument, plus this one, may not exceed the instrument's ceiling.
4. **De minimis** — Commission Regulation (EU) 2023/2831 of 13 December 2023, Article 3(2):
   the de minimis aid granted to a single undertaking may not exceed EUR 300 000 over any
   period of three years. The period is rolling (2023/2831 replaced the "three fiscal
   years" of Regulation (EU) No 1407/2013), so the new aid is checked against every
   three-year window that contains its date, including windows that reach later aids
   already recorded. Aids count at their gross grant equivalent (GGE, Article 3(3) and
   Article 4), aids declared from outside the programme included. Where the ceiling would be
   exceeded the new aid cannot be granted under the regulation, not even in part, so the
   rule refuses rather than trims.

The gross grant equivalent of each instrument is a percentage of the nominal amount, kept
as data with the instrument (`gge_percent`, see `data/instruments.yaml`):

- grant: 100 % — a grant is its own equivalent;
- zero-rate loan: 20 % — Article 4(3)(b) of Regulation 2023/2831 deems a loan secured by
  collateral covering at least 50 % of it, of up to EUR 1 500 000 over five years, to carry
  a GGE equal to the corresponding proportion of the EUR 300 000 ceiling, i.e. 20 % of the
  nominal for a five-year loan; the programme's loans are five-year, secured loans;
- repayable advance: 100 % — the advance is forgiven if the project fails, and the
  regulation gives no safe-harbour ratio for it, so the programme counts its full nominal
  amount, as the General Block Exemption Regulation (EU) No 651/2014, Article 5(2), does
  for advances whose GGE method has not been approved by the Commission. Cautious: an
  advance never hides aid under the ceiling.

A three-year window ending on day `t` holds the aids granted from `t` minus three calendar
years to `t`, both days included (the cautious reading of "any period of three years").
The undertaking's history must include the aids of the firms it forms a single undertaking
with (Article 2(2)); the Django layer passes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

DE_MINIMIS_CEILING_CENTS = 300_000_00
DE_MINIMIS_YEARS = 3

RULE_AMOUNT = "amount"
RULE_SIZE_CLASS = "size_class"
RULE_ELIGIBLE_COSTS = "eligible_costs"
RULE_INTENSITY = "intensity"
RULE_CEILING = "ceiling_per_firm"
RULE_DE_MINIMIS = "de_minimis"


def gross_grant_equivalent(nominal_cents: int, gge_percent: int) -> int:
    """The aid's grant equivalent, rounded up to the cent (the cautious side)."""
    return -(-nominal_cents * gge_percent // 100)


@dataclass(frozen=True)
class InstrumentRules:
    """An instrument's rules as data (`Instrument.rules()` builds it from the database)."""

    code: str
    label: str
    eligible_cost_types: frozenset[str]
    max_intensity_percent: Mapping[str, int]
    ceiling_per_firm_cents: int
    gge_percent: int

    def gge_cents(self, nominal_cents: int) -> int:
        return gross_grant_equivalent(nominal_cents, self.gge_percent)


@dataclass(frozen=True)
class PastAid:
    """One aid the undertaking received: from the programme (`instrument` is its code) or
    declared from outside (`instrument` empty). Only de minimis aids count towards the
    ceiling; every programme aid is one."""

    granted_on: dt.date
    nominal_cents: int
    gge_cents: int
    instrument: str = ""
    de_minimis: bool = True


@dataclass(frozen=True)
class AidCase:
    """What is asked: costs by type (cents), the amount, the day of the decision."""

    size_class: str
    costs_cents: Mapping[str, int]
    amount_cents: int
    on: dt.date
    history: tuple[PastAid, ...] = ()


@dataclass(frozen=True)
class Breach:
    """One rule the aid would break, with the figures that show it (cents, percents ×10)."""

    rule: str
    figures: Mapping[str, int | str] = field(default_factory=dict)

    def message(self, language: str | None = None) -> str:
        return describe(self, language)


@dataclass(frozen=True)
class Verdict:
    breaches: tuple[Breach, ...]
    eligible_cents: int
    gge_cents: int
    # The highest de minimis total (grant equivalents, this aid included) over the
    # three-year windows containing the decision day.
    de_minimis_total_cents: int
    # Nominal amounts granted with this instrument, this aid included.
    instrument_total_cents: int

    @property
    def allowed(self) -> bool:
        return not self.breaches

    @property
    def de_minimis_room_cents(self) -> int:
        """What is left under the ceiling once this aid is counted (negative: exceeded)."""
        return DE_MINIMIS_CEILING_CENTS - self.de_minimis_total_cents

    def messages(self, language: str | None = None) -> list[str]:
        return [b.message(language) for b in self.breaches]


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def window_total(aids: Iterable[PastAid], end: dt.date) -> int:
    """Grant equivalents of the de minimis aids in the three-year window ending on `end`."""
    start = years_before(end, DE_MINIMIS_YEARS)
    return sum(a.gge_cents for a in aids if a.de_minimis and start <= a.granted_on <= end)


def worst_window_total(aids: Iterable[PastAid], on: dt.date) -> int:
    """The largest past total over the three-year windows that contain day `on`.

    A window contains `on` when it ends between `on` and three years later. Its total only
    grows when its end reaches a new aid, so the candidates are `on` itself and the days of
    the aids recorded after it within three years.
    """
    aids = [a for a in aids if a.de_minimis]
    horizon = years_after(on, DE_MINIMIS_YEARS)
    ends = {on} | {a.granted_on for a in aids if on < a.granted_on <= horizon}
    # A window ending at `end` contains `on` only if it starts on or before `on`.
    return max(window_total(aids, end) for end in ends if years_before(end, DE_MINIMIS_YEARS) <= on)


def aid_check(case: AidCase, rules: InstrumentRules) -> Verdict:
    """Apply the four rules of this module to one aid; see the module docstring."""
    breaches: list[Breach] = []
    eligible = sum(
        amount
        for cost_type, amount in case.costs_cents.items()
        if cost_type in rules.eligible_cost_types and amount > 0
    )
    amount = case.amount_cents
    gge = rules.gge_cents(max(amount, 0))
    if amount <= 0:
        breaches.append(Breach(RULE_AMOUNT, {"asked": amount}))
    max_percent = rules.max_intensity_percent.get(case.size_class, 0)
    if max_percent <= 0:
        breaches.append(Breach(RULE_SIZE_CLASS, {"size_class": case.size_class}))
    if eligible <= 0:
        breaches.append(Breach(RULE_ELIGIBLE_COSTS, {"instrument": rules.label}))
    elif max_percent > 0 and amount * 100 > max_percent * eligible:
        # Shown to one decimal, rounded up, so that an excess never reads as equality.
        asked_tenths = -(-amount * 1000 // eligible)
        breaches.append(
            Breach(
                RULE_INTENSITY,
                {
                    "asked_tenths": asked_tenths,
                    "allowed": max_percent,
                    "size_class": case.size_class,
                    "eligible": eligible,
                    "asked": amount,
                },
            )
        )
    already = sum(a.nominal_cents for a in case.history if a.instrument == rules.code)
    if amount > 0 and already + amount > rules.ceiling_per_firm_cents:
        breaches.append(
            Breach(
                RULE_CEILING,
                {
                    "instrument": rules.label,
                    "already": already,
                    "asked": amount,
                    "total": already + amount,
                    "ceiling": rules.ceiling_per_firm_cents,
                },
            )
        )
    past = worst_window_total(case.history, case.on)
    if amount > 0 and past + gge > DE_MINIMIS_CEILING_CENTS:
        breaches.append(
            Breach(
                RULE_DE_MINIMIS,
                {
                    "past": past,
                    "gge": gge,
                    "total": past + gge,
                    "ceiling": DE_MINIMIS_CEILING_CENTS,
                },
            )
        )
    return Verdict(
        breaches=tuple(breaches),
        eligible_cents=eligible,
        gge_cents=gge,
        de_minimis_total_cents=past + gge,
        instrument_total_cents=already + max(amount, 0),
    )


def max_allowed_cents(case: AidCase, rules: InstrumentRules) -> int:
    """The largest amount the four rules allow for this case (0 when none is)."""
    probe = aid_check(AidCase(case.size_class, case.costs_cents, 1, case.on, case.history), rules)
    if any(b.rule in (RULE_SIZE_CLASS, RULE_ELIGIBLE_COSTS) for b in probe.breaches):
        return 0
    max_percent = rules.max_intensity_percent.get(case.size_class, 0)
    by_intensity = probe.eligible_cents * max_percent // 100
    by_ceiling = rules.ceiling_per_firm_cents - (probe.instrument_total_cents - 1)
    room = DE_MINIMIS_CEILING_CENTS - (probe.de_minimis_total_cents - probe.gge_cents)
    # The largest nominal whose rounded-up equivalent fits in the room.
    by_de_minimis = room * 100 // rules.gge_percent if rules.gge_percent else by_intensity
    return max(0, min(by_intensity, by_ceiling, by_de_minimis))


# --------------------------------------------------------------------------- wording

_SIZE_PHRASES = {
    "micro": gettext_noop("for a micro-enterprise"),
    "pme": gettext_noop("for an SME"),
    "eti": gettext_noop("for a mid-size firm"),
    "ge": gettext_noop("for a large enterprise"),
}


def _percent_tenths(tenths: int, language: str) -> str:
    whole, rest = divmod(tenths, 10)
    text = f"{whole}" if not rest else f"{whole}{',' if language.startswith('fr') else '.'}{rest}"
    return f"{text}\u00a0%"


def describe(breach: Breach, language: str | None = None) -> str:
    """The breach in words, with its figures, in the active (or given) language."""
    from django.utils.translation import get_language, override
    from django.utils.translation import gettext as _

    from essor.core.formatting import format_euros

    lang = language or get_language() or "fr"
    with override(lang):
        f = breach.figures

        def eur(key: str) -> str:
            return format_euros(int(f[key]), lang)

        if breach.rule == RULE_AMOUNT:
            return _("The amount must be more than zero.")
        if breach.rule == RULE_SIZE_CLASS:
            size = str(f.get("size_class") or "")
            phrase = _(_SIZE_PHRASES[size]) if size in _SIZE_PHRASES else _("for this firm")
            return _("Size class: this instrument is not open %(phrase)s.") % {"phrase": phrase}
        if breach.rule == RULE_ELIGIBLE_COSTS:
            return _("Eligible costs: none of the costs is of a type %(instrument)s covers.") % {
                "instrument": f["instrument"]
            }
        if breach.rule == RULE_INTENSITY:
            size = str(f["size_class"])
            return _(
                "Aid intensity: %(asked)s asked > %(allowed)s allowed %(phrase)s "
                "(%(amount)s on %(eligible)s of eligible costs)."
            ) % {
                "asked": _percent_tenths(int(f["asked_tenths"]), lang),
                "allowed": _percent_tenths(int(f["allowed"]) * 10, lang),
                "phrase": _(_SIZE_PHRASES.get(size, "for this firm")),
                "amount": eur("asked"),
                "eligible": eur("eligible"),
            }
        if breach.rule == RULE_CEILING:
            return _(
                "Ceiling per firm (%(instrument)s): %(already)s already granted + %(asked)s "
                "asked = %(total)s > %(ceiling)s."
            ) % {
                "instrument": f["instrument"],
                "already": eur("already"),
                "asked": eur("asked"),
                "total": eur("total"),
                "ceiling": eur("ceiling"),
            }
        if breach.rule == RULE_DE_MINIMIS:
            return _(
                "De minimis: %(past)s of aid over three years + %(gge)s (grant equivalent of "
                "this aid) = %(total)s > %(ceiling)s per undertaking over any three years "
                "(Regulation (EU) 2023/2831, Article 3(2))."
            ) % {
                "past": eur("past"),
                "gge": eur("gge"),
                "total": eur("total"),
                "ceiling": eur("ceiling"),
            }
        return breach.rule
