from django.http import HttpRequest
from ninja import Field, Router, Schema

from essor.territories import selectors
from essor.territories.models import Department, Organisation, Region

router = Router(tags=["territories"])


class DepartmentOut(Schema):
    code: str
    name: str
    region: str = Field(..., alias="region.code")
    latitude: float
    longitude: float


class RegionOut(Schema):
    code: str
    name: str
    name_en: str


class RegionDetailOut(RegionOut):
    departments: list[DepartmentOut] = Field(..., alias="department_rows")


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    region: str | None
    city: str
    website: str
    is_active: bool

    @staticmethod
    def resolve_region(obj: Organisation) -> str | None:
        return obj.region.code if obj.region else None


@router.get("/regions", response=list[RegionOut], summary="The 18 regions")
def region_list(request: HttpRequest) -> list[Region]:
    return list(selectors.region_list(user=request.user))


@router.get("/regions/{code}", response=RegionDetailOut, summary="A region and its departments")
def region_detail(request: HttpRequest, code: str) -> Region:
    region = selectors.region_get(user=request.user, code=code)
    region.department_rows = list(selectors.department_list(user=request.user, region=region))  # type: ignore[attr-defined]
    return region


@router.get("/departments", response=list[DepartmentOut], summary="The 101 departments")
def department_list(request: HttpRequest) -> list[Department]:
    return list(selectors.department_list(user=request.user))


@router.get(
    "/organisations",
    response=list[OrganisationOut],
    summary="Organisations within your scope",
)
def organisation_list(
    request: HttpRequest, kind: str | None = None, region: str | None = None
) -> list[Organisation]:
    qs = selectors.organisation_list(user=request.user)
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region__code=region)
    return list(qs)


@router.get(
    "/organisations/{organisation_id}",
    response=OrganisationOut,
    summary="One organisation (404 outside your scope)",
)
def organisation_detail(request: HttpRequest, organisation_id: int) -> Organisation:
    return selectors.organisation_get(user=request.user, pk=organisation_id)
