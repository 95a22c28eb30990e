"""The outbox pages: an organisation's emails for its admins, a person's own emails."""

from __future__ import annotations

import httpx

from tests.integration.web.test_pages import HTML, register_and_login


async def test_admins_read_the_org_outbox_and_everyone_their_own_emails(
    client: httpx.AsyncClient,
) -> None:
    await register_and_login(client, "boss@example.com", "Boss")
    login = await client.post(
        "/api/v1/auth/login",
        json={"email": "boss@example.com", "password": "correct horse battery"},
    )
    owner_auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
    org = await client.post(
        "/api/v1/orgs", json={"name": "Band", "timezone": "UTC"}, headers=owner_auth
    )
    org_id = org.json()["id"]
    invite = await client.post(
        f"/api/v1/orgs/{org_id}/invitations",
        json={"email": "guest@example.com", "role": "member"},
        headers=owner_auth,
    )
    assert invite.status_code == 201, invite.text
    token = invite.json()["token"]

    page = await client.get(f"/orgs/{org_id}/outbox", headers=HTML)
    assert page.status_code == 200, page.text
    assert "guest@example.com" in page.text and token in page.text
    assert "CADENCE_SMTP_URL" in page.text
    sent_only = await client.get(f"/orgs/{org_id}/outbox?status=sent", headers=HTML)
    assert "guest@example.com" not in sent_only.text

    # The boss was sent nothing; the guest sees the invitation as their own email.
    mine = await client.get("/account/emails", headers=HTML)
    assert mine.status_code == 200 and "guest@example.com" not in mine.text
    client.cookies.clear()
    await register_and_login(client, "guest@example.com", "Guest")
    mine = await client.get("/account/emails", headers=HTML)
    assert token in mine.text

    # Someone outside the organisation does not see its outbox (the guest never accepted).
    assert (await client.get(f"/orgs/{org_id}/outbox", headers=HTML)).status_code == 404
