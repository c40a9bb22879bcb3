"""Committee help: which pending requests to fund first within what is left (pure).

An advisory selection, never a decision (the committee decides). It solves a 0–1 knapsack
exactly with OR-Tools CP-SAT on integer cents:

    maximise   Σ impact_i · x_i
    subject to Σ amount_i · x_i ≤ capacity,  x_i ∈ {0, 1}
               Σ weight_i,k · x_i ≤ limit_k   for every firm limit k

- `amount_i` is the amount the request asks (what it would take from the envelope);
- `capacity` is the envelope's available amount (allocated − committed), or less when the
  committee works with a session budget;
- the firm limits keep the selection lawful when a firm has several requests waiting: the
  grant equivalents of its selected requests stay within its de minimis room (Regulation
  (EU) 2023/2831, Article 3(2)), and their nominal amounts within each instrument's
  ceiling per firm (each request alone was checked by `essor.funding.rules`);
- `impact_i`, the expected impact, is the **private investment the aid leverages**: the
  project's total costs minus the aid asked, in cents. It is measured from the request's
  own cost lines (quotes attached), so it needs no extra typed score and cannot be set
  by hand; a project the firm pays mostly itself weighs more per euro of public money.

Each request gets the reason it is in or out, in figures: in, with its rank by impact per
euro among the candidates; out, by how much it would exceed the envelope beside the
advised selection (or alone), or a firm limit beside the firm's other selected requests;
or out before the solver, because the aid rules refuse it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

IN = "in"
OUT_EXCEEDS = "exceeds"  # would exceed the envelope beside the selection, by `excess_cents`
OUT_TOO_LARGE = "too_large"  # larger than the whole capacity, by `excess_cents`
OUT_RULES = "rules"  # refused by the aid rules before the solver
OUT_NO_IMPACT = "no_impact"  # fits, but adds nothing to the objective
OUT_LIMIT = "limit"  # would exceed the firm limit `limit` by `excess_cents`

SOLVER_SECONDS = 10.0


@dataclass(frozen=True)
class Candidate:
    key: int
    amount_cents: int
    impact_cents: int
    rule_breaches: tuple[str, ...] = ()
    # (limit key, weight): e.g. ("de_minimis:12", grant equivalent of this request)
    limits: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Advice:
    key: int
    selected: bool
    reason: str
    rank: int  # by impact per euro among the candidates the solver saw (1: best); 0 if none
    excess_cents: int = 0
    limit: str = ""


@dataclass(frozen=True)
class Selection:
    advice: tuple[Advice, ...]
    capacity_cents: int
    selected_cents: int
    impact_cents: int
    optimal: bool

    @property
    def left_cents(self) -> int:
        return self.capacity_cents - self.selected_cents


def _solve(
    items: Sequence[Candidate], capacity: int, limits: Mapping[str, int]
) -> tuple[set[int], bool]:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    take = {c.key: model.new_bool_var(f"x{c.key}") for c in items}
    model.add(sum(c.amount_cents * take[c.key] for c in items) <= capacity)
    for key, limit in limits.items():
        terms = [w * take[c.key] for c in items for k, w in c.limits if k == key and w]
        if terms:
            model.add(sum(terms) <= limit)
    model.maximize(sum(c.impact_cents * take[c.key] for c in items))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = SOLVER_SECONDS
    solver.parameters.num_workers = 1  # one worker: the same input gives the same advice
    solver.parameters.random_seed = 0
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return set(), False
    chosen = {key for key, var in take.items() if solver.boolean_value(var)}
    return chosen, status == cp_model.OPTIMAL


def advise(
    candidates: Sequence[Candidate],
    capacity_cents: int,
    limits: Mapping[str, int] | None = None,
) -> Selection:
    """The advised selection and a reason for every candidate (in the input order)."""
    capacity = max(capacity_cents, 0)
    limits = dict(limits or {})

    def fits_limits(c: Candidate) -> bool:
        return all(w <= limits.get(k, w) for k, w in c.limits)

    solvable = [
        c
        for c in candidates
        if not c.rule_breaches
        and 0 < c.amount_cents <= capacity
        and c.impact_cents > 0
        and fits_limits(c)
    ]
    by_ratio = sorted(
        (c for c in candidates if not c.rule_breaches and c.amount_cents > 0),
        key=lambda c: (-c.impact_cents / c.amount_cents, c.amount_cents, c.key),
    )
    rank = {c.key: i for i, c in enumerate(by_ratio, start=1)}
    chosen, optimal = _solve(solvable, capacity, limits) if solvable else (set(), True)
    selected = sum(c.amount_cents for c in candidates if c.key in chosen)
    used: dict[str, int] = {}
    for c in candidates:
        if c.key in chosen:
            for k, w in c.limits:
                used[k] = used.get(k, 0) + w
    advice = []
    for c in candidates:
        over = [
            (used.get(k, 0) + w - limits[k], k)
            for k, w in c.limits
            if k in limits and used.get(k, 0) + w > limits[k]
        ]
        if c.rule_breaches:
            advice.append(Advice(c.key, False, OUT_RULES, 0))
        elif c.key in chosen:
            advice.append(Advice(c.key, True, IN, rank[c.key]))
        elif c.amount_cents > capacity:
            advice.append(Advice(c.key, False, OUT_TOO_LARGE, rank.get(c.key, 0),
                                 c.amount_cents - capacity))  # fmt: skip
        elif selected + c.amount_cents > capacity:
            advice.append(Advice(c.key, False, OUT_EXCEEDS, rank.get(c.key, 0),
                                 selected + c.amount_cents - capacity))  # fmt: skip
        elif over:
            excess, key = max(over)
            advice.append(Advice(c.key, False, OUT_LIMIT, rank.get(c.key, 0), excess, key))
        else:
            advice.append(Advice(c.key, False, OUT_NO_IMPACT, rank.get(c.key, 0)))
    return Selection(
        advice=tuple(advice),
        capacity_cents=capacity,
        selected_cents=selected,
        impact_cents=sum(c.impact_cents for c in candidates if c.key in chosen),
        optimal=optimal,
    )
