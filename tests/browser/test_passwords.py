"""Passwords in a real browser: the CCO adds a member without a password (htmx), passes on the
one-time link shown, the member sets a password with it, signs in and changes it again."""

from __future__ import annotations

import itertools
import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OpenPage, sign_in

pytestmark = pytest.mark.browser
_serial = itertools.count()


def test_a_new_member_sets_their_password_with_the_link_and_changes_it(open_page: OpenPage) -> None:
    email = f"new.{int(time.time())}.{next(_serial)}@example.com"
    cco = open_page("cco")
    cco.goto("/members/")
    add = cco.locator("form", has=cco.get_by_role("button", name="Add member"))
    add.get_by_label("Full name").fill("Nia New")
    add.get_by_label("E-mail address").fill(email)
    add.locator("#add-role").select_option("executive")
    add.get_by_role("button", name="Add member").click()
    link = cco.locator("#password-link")
    expect(link).to_contain_text("/password/set/")
    path = re.sub(r"^https?://[^/]+", "", link.inner_text())

    member = open_page(None)
    member.goto(path)
    expect(member.get_by_role("heading", name="Set your password")).to_be_visible()
    member.locator("#password-password").fill("first passphrase")
    member.locator("#password-confirm").fill("first passphrase")
    member.get_by_role("button", name="Set password").click()
    expect(member.get_by_role("heading", name="Sign in")).to_be_visible()
    sign_in(member, email, "first passphrase")

    member.get_by_role("link", name="Password").click()
    member.locator("#password-current_password").fill("first passphrase")
    member.locator("#password-password").fill("second passphrase")
    member.locator("#password-confirm").fill("second passphrase")
    member.get_by_role("button", name="Change password").click()
    expect(member.get_by_text("Your password is changed")).to_be_visible()
    expect(member.get_by_role("button", name="Sign out")).to_be_visible()  # still signed in here
