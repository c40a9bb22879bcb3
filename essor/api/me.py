from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["me"])


class MembershipOut(Schema):
    role: str
    region: str | None
    organisation_id: int | None


class MeOut(Schema):
    email: str
    full_name: str
    language: str
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut, summary="The current user and their roles")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    memberships = [
        MembershipOut(
            role=m.role,
            region=m.region.code if m.region else None,
            organisation_id=m.organisation_id,
        )
        for m in user.memberships.select_related("region")  # type: ignore[union-attr]
    ]
    return MeOut(
        email=user.email,  # type: ignore[union-attr]
        full_name=user.full_name,  # type: ignore[union-attr]
        language=user.language,  # type: ignore[union-attr]
        memberships=memberships,
    )
