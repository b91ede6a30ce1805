"""/gallery under AppTest: 15 rendered mails, one group, another profile, the session's draft marked, the mobile
width, and the link that opens the editor at a template."""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest

from mailconsole.catalog import TEMPLATE_GROUPS, TEMPLATE_TITLES
from mailconsole.models import TemplateType
from tests.console.templates_page import PAGE as TEMPLATES_PAGE
from tests.console.templates_page import key, open_template

GALLERY = "app_pages/gallery.py"
LOGIN, MFA = TemplateType.LOGIN_VERIFY_CODE.value, TemplateType.MFA_VERIFY_CODE.value


def mails(at: AppTest) -> list[str]:
    return [element.proto.srcdoc for element in at.get("iframe")]


def links(at: AppTest) -> list[Any]:
    return [element.proto for element in at.get("page_link")]


def captions(at: AppTest) -> list[str]:
    return [caption.value for caption in at.caption]


def test_the_gallery_shows_the_fifteen_mails_rendered_each_with_its_checks(remote, console) -> None:
    at = console.open(GALLERY)
    console.no_exception(at)
    shown = mails(at)
    assert len(shown) == 15
    assert all("Alice Chen" in mail and "width:600px" in mail for mail in shown)
    assert "482913" in shown[2]  # the registration code mail, third in the order of the groups
    assert "15 mails: 15 rendered" in "\n".join(captions(at))
    assert captions(at).count(":green[:material/check_circle:] No problems found") == 15
    text = console.text(at)
    assert all(str(title) in text for title in TEMPLATE_TITLES.values())


def test_one_group_and_another_profile_and_back_from_the_cache(remote, console) -> None:
    at = console.open(GALLERY)
    codes = TEMPLATE_GROUPS[1]
    at.selectbox(key="gallery.group").set_value(codes.key).run()
    console.no_exception(at)
    assert len(mails(at)) == len(codes.types) == 4
    assert [link.query_string for link in links(at)] == [f"type={t.value}" for t in codes.types]
    at.selectbox(key="gallery.profile").set_value("chinese").run()
    assert all("陈爱丽" in mail and "Alice Chen" not in mail for mail in mails(at))
    assert "Names, places and descriptions in Chinese." in captions(at)
    at.selectbox(key="gallery.profile").set_value("default").run()
    assert "4 mails: 0 rendered" in "\n".join(captions(at))  # nothing changed since: from the cache
    assert all("Alice Chen" in mail for mail in mails(at))


def test_the_mobile_width(remote, console) -> None:
    at = console.open(GALLERY)
    at.segmented_control(key="gallery.width").set_value("Mobile").run()
    assert len(mails(at)) == 15
    assert all("width:375px" in mail for mail in mails(at))


def test_a_draft_of_the_session_is_shown_and_marked(remote, console) -> None:
    at = open_template(console, LOGIN)
    at.text_input(key=key(at, LOGIN, "subject")).input("Draft subject {{verify_code}}").run()
    at.switch_page(GALLERY).run()
    console.no_exception(at)
    marked = [item.value for item in at.markdown if "● unsaved draft" in item.value]
    assert marked == ["**Login code** :orange[● unsaved draft]"]
    assert "Draft subject 482913" in console.text(at)
    assert "1 shown as the unsaved draft" in "\n".join(captions(at))


def test_the_link_opens_the_editor_at_that_template(remote, console) -> None:
    at = open_template(console, LOGIN)  # the editor shows another template first
    at.switch_page(GALLERY).run()
    (mfa,) = [link for link in links(at) if link.query_string == f"type={MFA}"]
    assert (mfa.page, mfa.label) == ("templates", "Open in the editor")
    # Following the link: its page with its query string. The picker's choice is the page's widget state, gone
    # once another page ran, so the address decides.
    at.query_params["type"] = MFA
    at.switch_page(TEMPLATES_PAGE).run()
    console.no_exception(at)
    assert at.selectbox(key="tpl.type").value == MFA
    assert "#### MFA code" in [heading.value for heading in at.markdown]
