"""Reading and validating expert-matching instances (`matching-format.md` §2).

An instance becomes a `MatchingProblem`: company and expert ids in input order, expert
capacities, and the eligible arcs as parallel arrays (company index, expert index, integer
cost). Anything that does not follow the contract raises `InstanceError`, whose message
names the offending field; `essor match` turns it into exit status 2.

Strict reading rules (decisions on points the contract leaves open):

- JSON: duplicate keys in an object, `NaN`, `Infinity` and out-of-range numbers are
  refused. The top level is an object whose keys are `experts`, `companies` and either
  `arcs` (generic mode) or, optionally, `weights` (domain mode); any other key is refused.
  Every expert or company object accepts exactly the fields of its mode.
- Ids are non-empty strings, unique among experts and unique among companies.
- Integers are JSON integers: `12.0`, `"12"` and booleans are refused. Capacities and
  costs are >= 0; capacity 0 is allowed (the expert takes nobody).
- Generic mode: each arc is `[company_id, expert_id, cost]`; an unknown id or a pair given
  twice is refused.
- Domain mode: every field shown in the contract's example is required (a missing
  `conflicts` or `excluded_experts` must not silently mean "no conflict"); `group` (company),
  `active` and `status` (expert) are optional. `weights` is optional and so is each of its
  keys; the defaults are `DEFAULT_WEIGHTS` (distance 1.0 per km, skill 50.0 per missing
  need, load 10.0 per open mission). Weights are finite numbers >= 0.

Domain eligibility (§1): an arc exists only if the expert is referenced (`active` is not
false and `status`, when given, is "referenced"), lists the company's department in
`departments` (the home department is not implicitly covered), has neither the company id
nor the company's `group` in `conflicts`, and is not in the company's `excluded_experts`.
Ids in `conflicts` and `excluded_experts` need not name an object of the instance (they may
refer to experts or companies outside it).

Domain cost (§1): `w_distance` * great-circle km between the company's department centroid
and the expert's home department centroid (haversine, Earth radius 6371.0088 km)
+ `w_skill` * number of distinct needs not among the expert's skills
+ `w_load` * open missions. The solver works on integers in units of 0.01 of that cost:
integer cost = round-half-away-from-zero(100 * cost). Every department code used (company
department, expert home department and coverage) must have a centroid.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

import numpy as np
import numpy.typing as npt

INT64_MAX = 2**63 - 1
EARTH_RADIUS_KM = 6371.0088
COST_UNITS_PER_COST = 100  # integer cost 1 = 0.01 of cost (§1)
DEFAULT_WEIGHTS: Mapping[str, float] = {"distance": 1.0, "skill": 50.0, "load": 10.0}

GENERIC_EXPERT_FIELDS = ("id", "capacity")
GENERIC_COMPANY_FIELDS = ("id",)
DOMAIN_EXPERT_REQUIRED = (
    "id",
    "home_department",
    "departments",
    "skills",
    "capacity",
    "open_missions",
    "conflicts",
)
DOMAIN_EXPERT_OPTIONAL = ("active", "status")
DOMAIN_COMPANY_REQUIRED = ("id", "department", "needs", "excluded_experts")
DOMAIN_COMPANY_OPTIONAL = ("group",)
REFERENCED_STATUS = "referenced"

Centroids = Mapping[str, tuple[float, float]]
IntArray = npt.NDArray[np.int64]


class MatchingError(Exception):
    """Base class of the errors of the matching core."""


class InstanceError(MatchingError, ValueError):
    """The instance does not follow `matching-format.md` §2 (exit status 2)."""


class ReferenceDataError(MatchingError, RuntimeError):
    """Reference data needed by domain mode (department centroids) is unavailable."""


@dataclass(frozen=True, eq=False)
class MatchingProblem:
    """A validated instance: the eligible arcs of the company → expert assignment graph.

    `arc_company[k]`, `arc_expert[k]` and `arc_cost[k]` describe arc k; indices refer to
    `company_ids` and `expert_ids`. Build it with `make_problem`, which checks the arrays.
    """

    company_ids: Sequence[str]
    expert_ids: Sequence[str]
    capacities: IntArray
    arc_company: IntArray
    arc_expert: IntArray
    arc_cost: IntArray

    @property
    def n_companies(self) -> int:
        return len(self.company_ids)

    @property
    def n_experts(self) -> int:
        return len(self.expert_ids)

    @property
    def n_arcs(self) -> int:
        return int(self.arc_cost.shape[0])


def make_problem(
    company_ids: Sequence[str],
    expert_ids: Sequence[str],
    capacities: npt.ArrayLike,
    arc_company: npt.ArrayLike,
    arc_expert: npt.ArrayLike,
    arc_cost: npt.ArrayLike,
) -> MatchingProblem:
    """Build a `MatchingProblem` from array-likes, checking shapes, indices and signs.

    Duplicate pairs are not looked for here (the generic reader reports them with their
    position); callers building arrays themselves must not repeat a pair.
    """
    caps = np.asarray(capacities, dtype=np.int64).reshape(-1)
    comp = np.asarray(arc_company, dtype=np.int64).reshape(-1)
    expt = np.asarray(arc_expert, dtype=np.int64).reshape(-1)
    cost = np.asarray(arc_cost, dtype=np.int64).reshape(-1)
    if caps.shape[0] != len(expert_ids):
        raise InstanceError("capacities: one capacity per expert is required")
    if not comp.shape[0] == expt.shape[0] == cost.shape[0]:
        raise InstanceError("arcs: company, expert and cost arrays differ in length")
    if caps.size and int(caps.min()) < 0:
        raise InstanceError("capacities: a capacity is negative")
    if cost.size:
        if int(cost.min()) < 0:
            raise InstanceError("arcs: a cost is negative")
        if int(comp.min()) < 0 or int(comp.max()) >= len(company_ids):
            raise InstanceError("arcs: a company index is out of range")
        if int(expt.min()) < 0 or int(expt.max()) >= len(expert_ids):
            raise InstanceError("arcs: an expert index is out of range")
    return MatchingProblem(
        company_ids=company_ids,
        expert_ids=expert_ids,
        capacities=caps,
        arc_company=comp,
        arc_expert=expt,
        arc_cost=cost,
    )


# --------------------------------------------------------------------------- JSON


def _duplicate_checking_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise InstanceError(f"invalid JSON: duplicate key {key!r} in an object")
        obj[key] = value
    return obj


def _refuse_constant(name: str) -> NoReturn:
    raise InstanceError(f"invalid JSON: {name} is not allowed")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise InstanceError(f"invalid JSON: number {text} is out of range")
    return value


def loads_instance(text: str | bytes) -> Any:
    """Parse instance JSON strictly: no duplicate keys, no NaN/Infinity, finite numbers."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InstanceError(f"invalid JSON: not UTF-8 ({exc})") from None
    try:
        return json.loads(
            text,
            object_pairs_hook=_duplicate_checking_object,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
        )
    except json.JSONDecodeError as exc:
        raise InstanceError(f"invalid JSON: {exc}") from None
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, InstanceError):
            raise
        raise InstanceError(f"invalid JSON: {exc}") from None


# --------------------------------------------------------------------------- fields


def _describe(value: Any) -> str:
    kind = {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
        type(None): "null",
    }.get(type(value), type(value).__name__)
    text = json.dumps(value) if not isinstance(value, (list, dict)) else ""
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{kind} {text}".rstrip()


def _fail(where: str, message: str) -> NoReturn:
    raise InstanceError(f"{where}: {message}")


def _check_fields(
    obj: Any, where: str, required: Sequence[str], optional: Sequence[str] = ()
) -> dict[str, Any]:
    if not isinstance(obj, dict):
        _fail(where, f"expected an object, got {_describe(obj)}")
    for key in required:
        if key not in obj:
            _fail(where, f"missing field {key!r}")
    allowed = set(required) | set(optional)
    for key in obj:
        if key not in allowed:
            expected = ", ".join(sorted(allowed))
            _fail(where, f"unknown field {key!r} (expected: {expected})")
    return obj


def _non_negative_int(value: Any, where: str) -> int:
    if type(value) is not int or value < 0:
        _fail(where, f"expected an integer >= 0, got {_describe(value)}")
    return value


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        _fail(where, f"expected a non-empty string, got {_describe(value)}")
    return value


def _string_list(value: Any, where: str) -> list[str]:
    if not isinstance(value, list):
        _fail(where, f"expected an array of strings, got {_describe(value)}")
    return [_string(item, f"{where}[{i}]") for i, item in enumerate(value)]


def _object_list(instance: Mapping[str, Any], key: str) -> list[Any]:
    if key not in instance:
        _fail("instance", f"missing field {key!r}")
    value = instance[key]
    if not isinstance(value, list):
        _fail(key, f"expected an array, got {_describe(value)}")
    return value


def _ids(objects: list[dict[str, Any]], kind: str, key: str) -> tuple[list[str], dict[str, int]]:
    ids: list[str] = []
    index: dict[str, int] = {}
    for i, obj in enumerate(objects):
        ident = _string(obj["id"], f"{key}[{i}].id")
        if ident in index:
            raise InstanceError(
                f"duplicate {kind} id {ident!r} ({key}[{index[ident]}] and {key}[{i}])"
            )
        index[ident] = i
        ids.append(ident)
    return ids, index


# --------------------------------------------------------------------------- instance


def build_problem(instance: Any, *, centroids: Centroids | None = None) -> MatchingProblem:
    """Validate an instance (generic or domain mode, §2) and return its `MatchingProblem`.

    `centroids` maps department codes to (latitude, longitude) in degrees; in domain mode
    it defaults to `essor.territories.reference.department_centroids()`.
    """
    if not isinstance(instance, dict):
        _fail("instance", f"expected a JSON object, got {_describe(instance)}")
    if "arcs" in instance:
        allowed = ("experts", "companies", "arcs")
        if "weights" in instance:
            _fail("instance", "'weights' applies to domain mode only, not with 'arcs'")
    else:
        allowed = ("experts", "companies", "weights")
    for key in instance:
        if key not in allowed:
            _fail("instance", f"unknown top-level key {key!r} (expected: {', '.join(allowed)})")
    if "arcs" in instance:
        return _build_generic(instance)
    return _build_domain(instance, centroids)


def _build_generic(instance: Mapping[str, Any]) -> MatchingProblem:
    experts = [
        _check_fields(obj, f"experts[{i}]", GENERIC_EXPERT_FIELDS)
        for i, obj in enumerate(_object_list(instance, "experts"))
    ]
    companies = [
        _check_fields(obj, f"companies[{i}]", GENERIC_COMPANY_FIELDS)
        for i, obj in enumerate(_object_list(instance, "companies"))
    ]
    expert_ids, expert_index = _ids(experts, "expert", "experts")
    company_ids, company_index = _ids(companies, "company", "companies")
    capacities = [
        _non_negative_int(obj["capacity"], f"experts[{i}].capacity")
        for i, obj in enumerate(experts)
    ]

    arcs = _object_list(instance, "arcs")
    arc_company, arc_expert, arc_cost = _read_arcs(arcs, company_index, expert_index)
    _refuse_duplicate_arcs(arc_company, arc_expert, len(expert_ids), company_ids, expert_ids)
    return make_problem(
        company_ids,
        expert_ids,
        np.array([min(c, INT64_MAX) for c in capacities], dtype=np.int64),
        arc_company,
        arc_expert,
        arc_cost,
    )


def _read_arcs(
    arcs: list[Any], company_index: Mapping[str, int], expert_index: Mapping[str, int]
) -> tuple[IntArray, IntArray, IntArray]:
    """Company indices, expert indices and costs of the arcs, refusing any malformed arc.

    The bulk conversion below is a fast path for well-formed input (millions of arcs);
    whatever it trips on, the arc-by-arc reader finds the first bad arc and names it.
    """
    try:
        if not set(map(type, arcs)) <= {list} or not set(map(len, arcs)) <= {3}:
            raise TypeError
        companies, experts, costs = zip(*arcs, strict=True) if arcs else ((), (), ())
        if not set(map(type, costs)) <= {int}:  # booleans and floats are not costs
            raise TypeError
        arc_cost = np.array(costs, dtype=np.int64)
        if arc_cost.size and int(arc_cost.min()) < 0:
            raise ValueError
        arc_company = np.array(list(map(company_index.__getitem__, companies)), dtype=np.int64)
        arc_expert = np.array(list(map(expert_index.__getitem__, experts)), dtype=np.int64)
    except (TypeError, ValueError, KeyError, OverflowError):
        return _read_arcs_one_by_one(arcs, company_index, expert_index)
    return arc_company, arc_expert, arc_cost


def _read_arcs_one_by_one(
    arcs: list[Any], company_index: Mapping[str, int], expert_index: Mapping[str, int]
) -> tuple[IntArray, IntArray, IntArray]:
    n_arcs = len(arcs)
    arc_company = np.empty(n_arcs, dtype=np.int64)
    arc_expert = np.empty(n_arcs, dtype=np.int64)
    arc_cost = np.empty(n_arcs, dtype=np.int64)
    for k, arc in enumerate(arcs):
        if not isinstance(arc, list) or len(arc) != 3:
            _fail(f"arcs[{k}]", f"expected [company, expert, cost], got {_describe(arc)}")
        company, expert, cost = arc
        arc_company[k] = _arc_end(company, company_index, "company", k)
        arc_expert[k] = _arc_end(expert, expert_index, "expert", k)
        if type(cost) is not int or cost < 0:
            _fail(f"arcs[{k}]", f"cost must be an integer >= 0, got {_describe(cost)}")
        if cost > INT64_MAX:
            _fail(f"arcs[{k}]", f"cost {cost} exceeds the largest supported cost {INT64_MAX}")
        arc_cost[k] = cost
    return arc_company, arc_expert, arc_cost


def _arc_end(ident: Any, index: Mapping[str, int], kind: str, k: int) -> int:
    if not isinstance(ident, str):
        _fail(f"arcs[{k}]", f"{kind} id must be a string, got {_describe(ident)}")
    position = index.get(ident)
    if position is None:
        _fail(f"arcs[{k}]", f"unknown {kind} id {ident!r}")
    return position


def _refuse_duplicate_arcs(
    arc_company: IntArray,
    arc_expert: IntArray,
    n_experts: int,
    company_ids: Sequence[str],
    expert_ids: Sequence[str],
) -> None:
    """Refuse a (company, expert) pair listed twice, naming its first repetition."""
    if arc_company.size < 2:
        return
    keys = arc_company * max(n_experts, 1) + arc_expert
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    repeated = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
    if repeated.size == 0:
        return
    second = int(order[repeated].min())
    first = int(np.flatnonzero(keys == keys[second])[0])
    company = company_ids[int(arc_company[second])]
    expert = expert_ids[int(arc_expert[second])]
    raise InstanceError(
        f"arcs[{second}]: duplicate arc for company {company!r} and expert {expert!r} "
        f"(already given at arcs[{first}])"
    )


# --------------------------------------------------------------------------- domain mode


@dataclass(frozen=True)
class _Expert:
    ident: str
    home: str
    departments: frozenset[str]
    skills: frozenset[str]
    capacity: int
    open_missions: int
    conflicts: frozenset[str]
    referenced: bool


@dataclass(frozen=True)
class _Company:
    ident: str
    department: str
    needs: frozenset[str]
    excluded: frozenset[str]
    group: str | None


def parse_weights(instance: Mapping[str, Any]) -> dict[str, float]:
    """Domain-mode weights: a missing object or key takes `DEFAULT_WEIGHTS`; finite, >= 0."""
    weights = dict(DEFAULT_WEIGHTS)
    if "weights" not in instance:
        return weights
    value = instance["weights"]
    _check_fields(value, "weights", (), tuple(DEFAULT_WEIGHTS))
    for key, raw in value.items():
        number = math.nan
        if type(raw) in (int, float):
            try:
                number = float(raw)
            except OverflowError:
                number = math.inf
        if not math.isfinite(number) or number < 0:
            _fail(f"weights.{key}", f"expected a finite number >= 0, got {_describe(raw)}")
        weights[key] = number
    return weights


def _read_expert(obj: dict[str, Any], i: int) -> _Expert:
    where = f"experts[{i}]"
    active = obj.get("active", True)
    if not isinstance(active, bool):
        _fail(f"{where}.active", f"expected a boolean, got {_describe(active)}")
    status = obj.get("status", REFERENCED_STATUS)
    if not isinstance(status, str):
        _fail(f"{where}.status", f"expected a string, got {_describe(status)}")
    return _Expert(
        ident=obj["id"],
        home=_string(obj["home_department"], f"{where}.home_department"),
        departments=frozenset(_string_list(obj["departments"], f"{where}.departments")),
        skills=frozenset(_string_list(obj["skills"], f"{where}.skills")),
        capacity=_non_negative_int(obj["capacity"], f"{where}.capacity"),
        open_missions=_non_negative_int(obj["open_missions"], f"{where}.open_missions"),
        conflicts=frozenset(_string_list(obj["conflicts"], f"{where}.conflicts")),
        referenced=active and status == REFERENCED_STATUS,
    )


def _read_company(obj: dict[str, Any], i: int) -> _Company:
    where = f"companies[{i}]"
    group = obj.get("group")
    return _Company(
        ident=obj["id"],
        department=_string(obj["department"], f"{where}.department"),
        needs=frozenset(_string_list(obj["needs"], f"{where}.needs")),
        excluded=frozenset(_string_list(obj["excluded_experts"], f"{where}.excluded_experts")),
        group=None if group is None else _string(group, f"{where}.group"),
    )


def _load_centroids() -> Centroids:
    try:
        from essor.territories.reference import department_centroids
    except ImportError as exc:
        raise ReferenceDataError(
            f"department centroids are unavailable (essor.territories.reference): {exc}"
        ) from None
    return department_centroids()


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points in degrees (haversine)."""
    lat1, lon1 = math.radians(a[0]), math.radians(a[1])
    lat2, lon2 = math.radians(b[0]), math.radians(b[1])
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def round_half_away_from_zero(value: float) -> int:
    """Round to the nearest integer, halves away from zero (2.5 → 3, -2.5 → -3)."""
    magnitude = abs(value)
    floor = math.floor(magnitude)
    rounded = floor + 1 if magnitude - floor >= 0.5 else floor
    return rounded if value >= 0 else -rounded


def domain_cost(
    weights: Mapping[str, float], km: float, missing_skills: int, open_missions: int
) -> int:
    """Integer cost of a pair in units of 0.01 (§1): round(100 * (wd*km + ws*missing + wl*load)).

    Raises `OverflowError` when the cost does not fit the solver's 64-bit integers.
    """
    cost = (
        weights["distance"] * km
        + weights["skill"] * missing_skills
        + weights["load"] * float(open_missions)
    )
    scaled = COST_UNITS_PER_COST * cost
    if not math.isfinite(scaled) or scaled >= INT64_MAX:
        raise OverflowError(scaled)
    return round_half_away_from_zero(scaled)


def _build_domain(instance: Mapping[str, Any], centroids: Centroids | None) -> MatchingProblem:
    weights = parse_weights(instance)
    raw_experts = _object_list(instance, "experts")
    raw_companies = _object_list(instance, "companies")
    for i, obj in enumerate(raw_experts):
        _check_fields(obj, f"experts[{i}]", DOMAIN_EXPERT_REQUIRED, DOMAIN_EXPERT_OPTIONAL)
    for i, obj in enumerate(raw_companies):
        _check_fields(obj, f"companies[{i}]", DOMAIN_COMPANY_REQUIRED, DOMAIN_COMPANY_OPTIONAL)
    expert_ids, _ = _ids(raw_experts, "expert", "experts")
    company_ids, _ = _ids(raw_companies, "company", "companies")
    experts = [_read_expert(obj, i) for i, obj in enumerate(raw_experts)]
    companies = [_read_company(obj, i) for i, obj in enumerate(raw_companies)]

    if centroids is None:
        centroids = _load_centroids()
    for i, expert in enumerate(experts):
        for field, codes in (
            ("home_department", [expert.home]),
            ("departments", expert.departments),
        ):
            for code in sorted(codes):
                if code not in centroids:
                    _fail(
                        f"experts[{i}] ({expert.ident!r})",
                        f"unknown department code {code!r} in {field!r}",
                    )
    for i, company in enumerate(companies):
        if company.department not in centroids:
            _fail(
                f"companies[{i}] ({company.ident!r})",
                f"unknown department code {company.department!r} in 'department'",
            )

    arc_company, arc_expert, arc_cost = _domain_arcs(experts, companies, weights, centroids)
    return make_problem(
        company_ids,
        expert_ids,
        np.array([min(e.capacity, INT64_MAX) for e in experts], dtype=np.int64),
        arc_company,
        arc_expert,
        arc_cost,
    )


def _domain_arcs(
    experts: Sequence[_Expert],
    companies: Sequence[_Company],
    weights: Mapping[str, float],
    centroids: Centroids,
) -> tuple[list[int], list[int], list[int]]:
    """Eligible arcs and their integer costs, companies in input order (§1 hard constraints)."""
    covering: dict[str, list[int]] = {}
    for e, expert in enumerate(experts):
        if expert.referenced and expert.capacity > 0:
            for code in expert.departments:
                covering.setdefault(code, []).append(e)
    for members in covering.values():
        members.sort()

    distance: dict[tuple[str, str], float] = {}
    arc_company: list[int] = []
    arc_expert: list[int] = []
    arc_cost: list[int] = []
    for c, company in enumerate(companies):
        for e in covering.get(company.department, ()):
            expert = experts[e]
            if (
                company.ident in expert.conflicts
                or (company.group is not None and company.group in expert.conflicts)
                or expert.ident in company.excluded
            ):
                continue
            key = (company.department, expert.home)
            km = distance.get(key)
            if km is None:
                km = haversine_km(centroids[company.department], centroids[expert.home])
                distance[key] = km
            missing = len(company.needs - expert.skills)
            try:
                cost = domain_cost(weights, km, missing, expert.open_missions)
            except OverflowError:
                _fail(
                    f"companies[{c}] ({company.ident!r})",
                    f"cost with expert {expert.ident!r} is too large for 64-bit integers "
                    "(check weights and open_missions)",
                )
            arc_company.append(c)
            arc_expert.append(e)
            arc_cost.append(cost)
    return arc_company, arc_expert, arc_cost
