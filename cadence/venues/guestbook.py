"""The guest book: one profile per guest and organisation, kept by the reservations.

A reservation finds its guest's profile by account, then email, then phone, and creates
one when the guest is new and reachable (a walk-in without contact details stays
anonymous). Staff add notes, preferences and tags ("vip", "allergy: nuts"); the lifecycle
counts visits (seated), no-shows and cancellations. Marketing consent is only ever set
from what the guest said (the reservation form, or staff recording it at their request).

Personal data: `export_profile` is the guest's copy of what the venue holds; `erase`
deletes the profile and strips the person from its reservations (kept, anonymous, for the
venue's books). Both are reachable by staff on request and, for guests with an account,
through the account export and deletion (`cadence.exports`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from cadence.accounts.models import User
from cadence.audit import service as audit
from cadence.context import Ctx
from cadence.errors import InvalidInput, NotFound
from cadence.exports import eraser, exporter, row_dict
from cadence.pagination import paginate
from cadence.venues.models import Reservation, Venue, VenueGuest, VenueGuestTag

ERASED_NAME = "Erased guest"
EDITABLE = ("name", "email", "phone", "notes", "preferences", "tags", "marketing_consent")


def normal_email(email: str | None) -> str | None:
    return email.strip().lower() if email and email.strip() else None


def clean_tags(tags: list[str]) -> list[str]:
    out: list[str] = []
    for tag in tags:
        t = " ".join(tag.split()).lower()[:60]
        if t and t not in out:
            out.append(t)
    return out[:30]


async def _find(
    ctx: Ctx, org_id: str, user_id: str | None, email: str | None, phone: str | None
) -> VenueGuest | None:
    for column, value in (
        (VenueGuest.user_id, user_id),
        (VenueGuest.email_normalized, email),
        (VenueGuest.phone, phone),
    ):
        if value:
            query = select(VenueGuest).where(VenueGuest.org_id == org_id, column == value)
            found = (await ctx.session.scalars(query.order_by(VenueGuest.id).limit(1))).first()
            if found is not None:
                return found
    return None


async def get(ctx: Ctx, *, org_id: str, guest_id: str) -> VenueGuest:
    profile = await ctx.session.get(VenueGuest, guest_id)
    if profile is None or profile.org_id != org_id:
        raise NotFound("No such guest.")
    return profile


def _consent(ctx: Ctx, profile: VenueGuest, consent: bool | None) -> None:
    if consent is None or consent == profile.marketing_consent:
        return
    profile.marketing_consent = consent
    profile.marketing_consent_at = ctx.now()


async def profile_for(ctx: Ctx, *, org_id: str, guest: Any) -> VenueGuest | None:
    """The guest's profile (created when new and reachable); `guest` is a `Guest`."""
    if guest.guest_id:
        chosen = await get(ctx, org_id=org_id, guest_id=guest.guest_id)
        _consent(ctx, chosen, guest.marketing_consent)
        return chosen
    email = normal_email(guest.email)
    phone = (guest.phone or "").strip() or None
    if not (guest.user_id or email or phone):
        return None
    profile = await _find(ctx, org_id, guest.user_id, email, phone)
    if profile is None:
        now = ctx.now()
        fresh = VenueGuest(
            org_id=org_id,
            user_id=guest.user_id,
            name=guest.name,
            email=guest.email,
            email_normalized=email,
            phone=phone,
            tags=[],
            created_at=now,
            updated_at=now,
        )
        try:
            async with ctx.session.begin_nested():
                ctx.session.add(fresh)
                await ctx.session.flush()
            profile = fresh
        except IntegrityError:  # the same guest reserving twice at once: take theirs
            again = await _find(ctx, org_id, guest.user_id, email, phone)
            if again is None:
                raise
            profile = again
    else:
        profile.user_id = profile.user_id or guest.user_id
        profile.phone = profile.phone or phone
        if email and not profile.email_normalized:
            profile.email, profile.email_normalized = guest.email, email
    _consent(ctx, profile, guest.marketing_consent)
    await ctx.session.flush()
    return profile


async def on_status(ctx: Ctx, r: Reservation, status: str) -> None:
    """Keep the counters of the reservation's guest (one conditional update, no race)."""
    if r.guest_id is None:
        return
    changes: dict[str, Any]
    if status == "seated":
        changes = {"visit_count": VenueGuest.visit_count + 1, "last_visit_at": r.starts_at}
    elif status == "no_show":
        changes = {"no_show_count": VenueGuest.no_show_count + 1}
    elif status == "cancelled":
        changes = {"cancel_count": VenueGuest.cancel_count + 1}
    else:
        return
    await ctx.session.execute(
        update(VenueGuest)
        .where(VenueGuest.id == r.guest_id)
        .values(**changes, updated_at=ctx.now())
        .execution_options(synchronize_session=False)
    )
    profile = await ctx.session.get(VenueGuest, r.guest_id)
    if profile is not None:
        await ctx.session.refresh(profile)


# --- staff ---------------------------------------------------------------------------------


def _like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _phone_digits(column: Any) -> Any:
    """The phone column without the separators people type (spaces, +, -, dots, brackets)."""
    for sep in (" ", "+", "-", ".", "(", ")", "/"):
        column = func.replace(column, sep, "")
    return column


@dataclass(frozen=True)
class Found:
    """A page of the guest book, and how many guests match in all (across pages)."""

    items: list[VenueGuest]
    next_cursor: str | None
    total: int


async def search(
    ctx: Ctx,
    *,
    org_id: str,
    q: str | None,
    tag: str | None,
    cursor: str | None,
    limit: int,
) -> Found:
    """Guests by name, email or phone (`q`, any part of them) and by tag, newest first.

    Both filters are SQL, so a page is always full until the last one and `total` counts
    every match. The phone matches by its digits too ("020 7946" finds "+44 20 7946 0000").
    """
    where = [VenueGuest.org_id == org_id]
    text = " ".join((q or "").split()).lower()
    if text:
        pattern = _like(text)
        matches = [
            func.lower(VenueGuest.name).like(pattern, escape="\\"),
            VenueGuest.email_normalized.like(pattern, escape="\\"),
            VenueGuest.phone.like(pattern, escape="\\"),
        ]
        digits = _digits(text)
        if len(digits) >= 3:
            matches.append(_phone_digits(VenueGuest.phone).like(f"%{digits}%"))
        where.append(or_(*matches))
    wanted = clean_tags([tag or ""])
    if wanted:
        where.append(
            exists().where(
                VenueGuestTag.guest_id == VenueGuest.id,
                VenueGuestTag.org_id == org_id,
                VenueGuestTag.tag == wanted[0],
            )
        )
    query = select(VenueGuest).where(*where)
    page = await paginate(ctx.session, query, VenueGuest.id, cursor=cursor, limit=limit, desc=True)
    total = await ctx.session.scalar(select(func.count()).select_from(VenueGuest).where(*where))
    return Found(items=page.items, next_cursor=page.next_cursor, total=int(total or 0))


async def sync_tags(ctx: Ctx, profile: VenueGuest) -> None:
    """Write the profile's (flushed) tag list as rows, which is what search filters by."""
    await ctx.session.execute(delete(VenueGuestTag).where(VenueGuestTag.guest_id == profile.id))
    if profile.tags:
        await ctx.session.execute(
            insert(VenueGuestTag),
            [{"guest_id": profile.id, "tag": t, "org_id": profile.org_id} for t in profile.tags],
        )


async def create(ctx: Ctx, *, org_id: str, fields: dict[str, Any]) -> VenueGuest:
    now = ctx.now()
    profile = VenueGuest(org_id=org_id, tags=[], created_at=now, updated_at=now)
    await _apply(ctx, profile, fields)
    ctx.session.add(profile)
    await _flush_unique(ctx)
    await sync_tags(ctx, profile)
    await audit.record(
        ctx,
        org_id=org_id,
        action="venue.guest.create",
        target_type="venue_guest",
        target_id=profile.id,
        after={"fields": sorted(fields)},
    )
    return profile


async def _apply(ctx: Ctx, profile: VenueGuest, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}.")
    for key, value in fields.items():
        if key == "marketing_consent":
            _consent(ctx, profile, bool(value))
        elif key == "tags":
            profile.tags = clean_tags(list(value or []))
        elif key == "email":
            profile.email, profile.email_normalized = value or None, normal_email(value)
        else:
            setattr(profile, key, value)
    profile.updated_at = ctx.now()


async def _flush_unique(ctx: Ctx) -> None:
    try:
        async with ctx.session.begin_nested():
            await ctx.session.flush()
    except IntegrityError:
        raise InvalidInput(
            "Another guest of this venue has that email address.", field="email"
        ) from None


async def update_profile(ctx: Ctx, *, profile: VenueGuest, fields: dict[str, Any]) -> VenueGuest:
    await _apply(ctx, profile, fields)
    await _flush_unique(ctx)
    if "tags" in fields:
        await sync_tags(ctx, profile)
    await audit.record(
        ctx,
        org_id=profile.org_id,
        action="venue.guest.update",
        target_type="venue_guest",
        target_id=profile.id,
        after={"fields": sorted(fields)},  # which, not what: the audit log keeps no notes
    )
    return profile


async def history(ctx: Ctx, *, profile: VenueGuest, limit: int = 100) -> list[Reservation]:
    query = (
        select(Reservation)
        .where(Reservation.guest_id == profile.id, Reservation.org_id == profile.org_id)
        .order_by(Reservation.starts_at.desc(), Reservation.id)
        .limit(limit)
    )
    return list((await ctx.session.scalars(query)).all())


_RESERVATION_FIELDS = frozenset(
    {
        "id",
        "starts_at",
        "ends_at",
        "party_size",
        "status",
        "guest_name",
        "guest_email",
        "guest_phone",
        "occasion",
        "guest_note",
        "staff_note",
        "deposit_cents",
        "currency",
        "deposit_status",
        "created_at",
    }
)


def _reservation_data(r: Reservation) -> dict[str, Any]:
    return {k: v for k, v in row_dict(r).items() if k in _RESERVATION_FIELDS}


async def export_profile(ctx: Ctx, *, profile: VenueGuest) -> dict[str, Any]:
    """Everything the venue holds about this guest (right of access), staff notes included."""
    venue = await ctx.session.scalar(select(Venue).where(Venue.org_id == profile.org_id))
    return {
        "venue": venue.name if venue else None,
        "profile": row_dict(profile, skip=frozenset({"email_normalized"})),
        "reservations": [_reservation_data(r) for r in await history(ctx, profile=profile)],
    }


async def _anonymise(ctx: Ctx, where: Any) -> None:
    await ctx.session.execute(
        update(Reservation)
        .where(where)
        .values(
            guest_name=ERASED_NAME,
            guest_email=None,
            guest_phone=None,
            guest_note=None,
            staff_note=None,
            occasion=None,
            user_id=None,
            guest_id=None,
        )
        .execution_options(synchronize_session="fetch")
    )


async def erase(ctx: Ctx, *, profile: VenueGuest) -> None:
    """Forget a guest: the profile goes, their reservations stay without them."""
    await _anonymise(ctx, Reservation.guest_id == profile.id)
    await ctx.session.execute(delete(VenueGuestTag).where(VenueGuestTag.guest_id == profile.id))
    await ctx.session.delete(profile)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=profile.org_id,
        action="venue.guest.erase",
        target_type="venue_guest",
        target_id=profile.id,
    )


# --- the person's own view (account export and deletion) ------------------------------------


async def profiles_of_user(ctx: Ctx, user: User) -> list[VenueGuest]:
    email = normal_email(user.email)
    query = select(VenueGuest).where(
        or_(VenueGuest.user_id == user.id, VenueGuest.email_normalized == email)
    )
    return list((await ctx.session.scalars(query.order_by(VenueGuest.id))).all())


@exporter("venue_guest_book")
async def _export_user(ctx: Ctx, user: User) -> Any:
    profiles = [await export_profile(ctx, profile=p) for p in await profiles_of_user(ctx, user)]
    query = select(Reservation).where(
        Reservation.user_id == user.id, Reservation.guest_id.is_(None)
    )
    loose = [_reservation_data(r) for r in await ctx.session.scalars(query)]
    return {"profiles": profiles, "other_reservations": loose}


@eraser("venue_guest_book")
async def _erase_user(ctx: Ctx, user: User) -> None:
    for profile in await profiles_of_user(ctx, user):
        await erase(ctx, profile=profile)
    await _anonymise(ctx, Reservation.user_id == user.id)
