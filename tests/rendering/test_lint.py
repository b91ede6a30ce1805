"""The template linter: each rule fires on a bad template at the right place and stays quiet on a good one; the
built-in templates are clean; hostile input never breaks it."""

from __future__ import annotations

import re
import time

import pytest

from mailconsole.models import EmailTemplate, TemplateEngine, TemplateType
from mailconsole.rendering import LintFinding, lint_template
from mailconsole.rendering.lint import GMAIL_CLIP_BYTES, RULES
from mailconsole.rendering.samples import ACCOUNT_DELETION_TYPE, sample_context
from mailconsole.service.defaults import account_deletion_template, default_templates

HBS = TemplateEngine.HANDLEBAR
EJS = TemplateEngine.EJS
LOGIN = TemplateType.LOGIN_VERIFY_CODE
LINK = TemplateType.FIRST_EMAIL_LOGIN_VERIFY
WELCOME = TemplateType.WELCOME_EMAIL


def lint(
    source: str, engine: TemplateEngine = HBS, template_type: TemplateType | str | None = WELCOME, **fields: str
) -> list[LintFinding]:
    findings = lint_template(source, engine, template_type, **fields)
    for finding in findings:
        assert isinstance(finding, LintFinding)
        assert RULES[finding.rule] == finding.severity
        assert finding.message.endswith((".", "?"))
    return findings


def where(findings: list[LintFinding], rule: str) -> list[tuple[int | None, int | None]]:
    return [(finding.line, finding.column) for finding in findings if finding.rule == rule]


# ---- the built-in templates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", [*default_templates(), account_deletion_template()], ids=lambda t: str(t.type))
def test_the_built_in_templates_are_clean(template: EmailTemplate) -> None:
    findings = lint(template.content, HBS, str(template.type), subject=template.subject, sender=template.sender)
    assert findings == []


def as_ejs(source: str) -> str:
    """A built-in template in EJS: they use only variables and {{#if}}/{{else}}."""
    source = re.sub(r"{{#if (\w+)}}", r"<% if (\1) { %>", source)
    source = source.replace("{{else}}", "<% } else { %>").replace("{{/if}}", "<% } %>")
    source = re.sub(r"{{(\w+)}}", r"<%= \1 %>", source)
    assert "{{" not in source
    return source


@pytest.mark.parametrize("template", default_templates(), ids=lambda t: str(t.type))
def test_the_built_in_templates_in_ejs_are_clean(template: EmailTemplate) -> None:
    content, subject, sender = (as_ejs(text) for text in (template.content, template.subject, template.sender))
    assert lint(content, EJS, str(template.type), subject=subject, sender=sender) == []


# ---- compile-error ----------------------------------------------------------------------------------------------


def test_a_body_that_does_not_compile_gives_one_error_and_nothing_else() -> None:
    source = "<p>{{verfy_code}}</p>\n  {{#if verify_code}}\n<img src='http://x'>"
    (finding,) = lint(source, HBS, LOGIN)
    assert (finding.rule, finding.severity, finding.field) == ("compile-error", "error", "content")
    assert (finding.line, finding.column) == (2, 3)
    assert "unclosed block {{#if}}" in finding.message


def test_an_ejs_body_that_does_not_compile() -> None:
    (finding,) = lint("<p>ok</p>\n<% } %>", EJS, LOGIN)
    assert (finding.rule, finding.line) == ("compile-error", 2)
    assert finding.message.startswith("The body does not compile: SyntaxError")


def test_the_subject_and_sender_are_checked_too() -> None:
    findings = lint("<p>{{verify_code}}</p>", HBS, LOGIN, subject="Code {{#if x}}", sender="{{clent_name}}")
    assert [(f.rule, f.field, f.line, f.column) for f in findings] == [
        ("compile-error", "subject", 1, 6),
        ("unknown-variable", "sender", 1, 3),
    ]
    assert "did you mean `{{client_name}}`?" in findings[1].message


def test_an_unknown_engine_is_one_error() -> None:
    (finding,) = lint("<p>x</p>", "mustache", WELCOME, subject="{{x}}")  # type: ignore[arg-type]
    assert finding.rule == "compile-error"
    assert "'handlebar' or 'ejs'" in finding.message


# ---- unknown-variable -------------------------------------------------------------------------------------------


def test_a_typo_is_found_with_the_closest_name() -> None:
    findings = lint("<p>Hi</p>\n  <p>{{usr_name}} and {{usr_name}} again</p>")
    assert where(findings, "unknown-variable") == [(2, 8)]  # once, at the first place
    assert findings[0].message == (
        "`{{usr_name}}` is not a variable of “Welcome email” mails: did you mean `{{user_name}}`?"
    )


def test_a_variable_of_another_type_and_a_name_like_no_other() -> None:
    findings = lint("<p>{{verify_code}} {{zzz}}</p>", HBS, LINK, subject="{{verify_link}}")
    first, second = (f for f in findings if f.rule == "unknown-variable")
    assert first.message.startswith("`{{verify_code}}` is given to other types of mail, not to “First email login")
    assert first.message.endswith("did you mean `{{verify_link}}`?")
    assert second.message.endswith("remove it or use one this type provides.")
    assert (second.line, second.column) == (1, 22)


@pytest.mark.parametrize(
    ("source", "position"),
    [
        ("{{#if usr_name}}x{{/if}}", (1, 7)),
        ("{{#unless usr_name}}x{{else if app_nme}}y{{/unless}}", [(1, 11), (1, 32)]),
        ("{{lookup usr 'name'}}", (1, 10)),
        ("{{lookup (lookup usr 'a') 'b'}}", (1, 18)),
        ("{{log app_name level=usr}}", (1, 22)),
        ("{{{usr_name}}}", (1, 4)),
        ("{{& usr_name}}", (1, 5)),
        ("{{~ usr_name ~}}", (1, 5)),
        ("{{usr_name.first}}", (1, 3)),
        ("{{[usr_name]}}", (1, 3)),
        ("{{this.usr_name}}", (1, 3)),
        ("{{#each user_name}}{{@root.usr_name}}{{/each}}", (1, 22)),
        ("{{#usr_name}}{{anything}}{{/usr_name}}", (1, 4)),
        ("{{#each usr_name}}{{/each}}", (1, 9)),
    ],
)
def test_handlebars_names_that_are_reported(source: str, position: tuple[int, int] | list[tuple[int, int]]) -> None:
    assert where(lint(source), "unknown-variable") == (position if isinstance(position, list) else [position])


@pytest.mark.parametrize(
    "source",
    [
        "{{#each user_name}}{{this}}{{@index}}{{@first}}{{@last}}{{@key}}{{name}}{{../whatever}}{{/each}}",
        "{{#with user_name}}{{first}}{{#if last}}{{middle}}{{/if}}{{/with}}",
        "{{#if app_name}}{{else if user_name}}{{else}}{{/if}}",
        "{{#each user_name}}x{{else}}{{name}}{{/each}}",
        "{{#app_logo}}{{src}}{{/app_logo}}",
        "{{lookup app_name 'x'}} {{lookup app_name \"y z\"}} {{lookup app_name 1}} {{lookup app_name true}}",
        "{{!-- {{nope}} --}} {{! nope }}",
        "{{{{raw}}}}{{nope}}{{{{/raw}}}}",
        "\\{{nope}}",
        "{{@root.app_name}} {{this}} {{.}} {{./app_name}} {{this/app_name}}",
        "{{> card nope}}",
        "{{#each user_name as |item i|}}{{item.x}}{{i}}{{/each}} {{#with app_name as |a|}}{{a}}{{/with}}",
        '{{#> layout}}{{app_name}}{{/layout}} {{#*inline "sig"}}{{app_name}}{{/inline}}{{> sig}}',
    ],
)
def test_handlebars_names_that_are_not_reported(source: str) -> None:
    assert lint(source) == []


def test_ejs_names() -> None:
    source = (
        "<%= verfy_code %>\n"
        "<% var x = 1, y = [2]; const {a, b: c} = locals; let [d] = y; %><%= x + a + c + d %>\n"
        "<% user_name.split(' ').forEach(function (part, index) { %><%= part %><% }) %>\n"
        "<% [1].map((m, n) => m + n); [2].map(k => k); for (const key of Object.keys(locals)) {} %>\n"
        "<% try { JSON.parse(app_name) } catch (err) { console.log(err.message) } %>\n"
        "<%= typeof maybe !== 'undefined' ? maybe : 'none' %> <%= {key: app_name}.key %> <%= app_name.length %>\n"
        "<%= 'usr_name' + \"usr_name\" %> <% // usr_name %> <% /* usr_name */ %> <%= /usr_name/.test(app_name) %>\n"
        "<%# usr_name %> <%% usr_name %> <%= `usr_name ${app_name}` %> <%= Math.max(1, 2) %>\n"
        "<%= locals.usr_nme %> <%= nope %>"
    )
    findings = lint(source, EJS, LOGIN)
    assert [(f.line, f.column, f.message.split(" is ")[0]) for f in findings if f.rule == "unknown-variable"] == [
        (1, 5, "`<%= verfy_code %>`"),
        (9, 12, "`<%= usr_nme %>`"),
        (9, 27, "`<%= nope %>`"),
    ]
    assert "did you mean `<%= verify_code %>`?" in findings[1].message  # [0] is the missing code


# ---- missing-variable -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template_type", "engine", "source", "shown"),
    [
        (LOGIN, HBS, "<p>Hi {{user_name}}</p>", "`{{verify_code}}`"),
        (LOGIN, EJS, "<p>Hi <%= user_name %></p>", "`<%= verify_code %>`"),
        (LINK, HBS, "<p>Hi</p>", "`{{verify_link}}`"),
        (ACCOUNT_DELETION_TYPE, HBS, "<p>Hi</p>", "`{{verify_code}}`"),
    ],
)
def test_a_code_or_link_mail_without_its_code_or_link(
    template_type: TemplateType | str, engine: TemplateEngine, source: str, shown: str
) -> None:
    (finding,) = lint(source, engine, template_type)
    assert (finding.rule, finding.severity, finding.line) == ("missing-variable", "error", None)
    assert finding.message.endswith(f"add {shown} to the body.")


@pytest.mark.parametrize(
    ("template_type", "source", "subject"),
    [
        (LOGIN, "<p>{{verify_code}}</p>", ""),
        (LOGIN, "<p>Your code is in the subject.</p>", "Code {{verify_code}}"),
        (LOGIN, "{{#with this}}{{verify_code}}{{/with}}", ""),
        (LINK, '<a href="{{verify_link}}">Verify</a>', ""),
        (WELCOME, "<p>Welcome</p>", ""),
        (None, "<p>{{verify_code}} {{login_url}}</p>", ""),
        ("SOME_FUTURE_TYPE", "<p>{{password}}</p>", ""),
    ],
)
def test_nothing_missing(template_type: TemplateType | str | None, source: str, subject: str) -> None:
    assert lint(source, HBS, template_type, subject=subject) == []


def test_a_quoted_name_counts_as_showing_the_code() -> None:
    assert lint("<%= locals['verify_code'] %> <%= locals[\"app_name\"] %>", EJS, LOGIN) == []


# ---- HTML rules -------------------------------------------------------------------------------------------------


def test_an_image_without_alt() -> None:
    source = '<p>Hi</p>\n  <img src="{{app_logo}}" width="36">\n<IMG SRC=x.png/>'
    assert where(lint(source), "img-alt") == [(2, 3), (3, 1)]


@pytest.mark.parametrize(
    "source",
    [
        '<img src="x.png" alt="">',
        '<img src="x.png" alt="{{app_name}}">',
        "<img src=x.png {{#if app_name}}alt=x{{/if}}>",
        "<!-- <img src=x.png> -->",
        "{{!-- <img src=x.png> --}}",
        "<style>img { border: 0 } <img></style>",
    ],
)
def test_images_that_are_fine(source: str) -> None:
    assert lint(source) == []


def test_links_that_are_not_https() -> None:
    source = (
        '<a href="http://example.com">a</a>\n'
        '<p><a class="x" href = "javascript:alert(1)">b</a>\n'
        "<a href='//example.com/x'>c</a> <a href=FTP://example.com>d</a>\n"
        '<a href="&#104;ttp://example.com">e</a> <a href="http://{{app_domain}}/x">f</a>'
    )
    findings = lint(source)
    assert where(findings, "insecure-link") == [(1, 1), (2, 4), (3, 1), (3, 33), (4, 1), (4, 41)]
    messages = [finding.message for finding in findings]
    assert "use https://." in messages[0]
    assert "javascript:" in messages[1]
    assert "no scheme" in messages[2]
    assert "ftp:" in messages[3]


@pytest.mark.parametrize(
    "href",
    ["https://example.com", "HTTPS://example.com", "mailto:a@example.com", "tel:+15550100", "{{verify_link}}",
     "{{host_url}}/login", "#top", "/relative", ""],
)  # fmt: skip
def test_links_that_are_fine(href: str) -> None:
    assert lint(f'<a href="{href}">x</a> <a name="top">{{{{verify_link}}}}</a>', HBS, LINK) == []


def test_ejs_expressions_in_attributes_are_template_values() -> None:
    source = '<a href="<%= login_url %>">x</a>\n<img src="<%= app_logo %>" <%- "alt=x" %>>\n<a href="http://x">'
    assert [(f.rule, f.line) for f in lint(source, EJS)] == [("insecure-link", 3)]


def test_a_script_tag() -> None:
    source = "<p>Hi</p>\n <SCRIPT src='https://example.com/x.js'></SCRIPT>\n<!-- <script> -->{{!-- <script> --}}"
    (finding,) = lint(source)
    assert (finding.rule, finding.line, finding.column) == ("script-tag", 2, 2)
    assert "remove it" in finding.message


# ---- gmail-clipping ---------------------------------------------------------------------------------------------


def test_a_mail_over_gmails_clipping_limit() -> None:
    # The sample logo is an inline image of some hundred bytes: a short template renders long.
    logo = sample_context(WELCOME)["app_logo"]
    source = '<img alt="" src="{{app_logo}}">' * (GMAIL_CLIP_BYTES // len(logo) + 5)
    (finding,) = lint(source)
    assert (finding.rule, finding.severity, finding.line) == ("gmail-clipping", "warning", None)
    assert "over Gmail's 102 KB limit, so Gmail will clip it" in finding.message
    (finding,) = lint("<%= 'é'.repeat(60000) %>", EJS)  # 120,000 bytes in UTF-8
    assert finding.message.startswith("The mail is 117 KB")


def test_a_mail_just_under_the_limit() -> None:
    assert lint(f"<%= 'x'.repeat({GMAIL_CLIP_BYTES}) %>", EJS) == []


def test_a_template_that_fails_only_with_the_sample_values_is_not_measured() -> None:
    assert lint("<%= app_name.nope.deeper %>", EJS) == []


# ---- order and hostile input ------------------------------------------------------------------------------------


def test_errors_come_first_then_by_field_and_position() -> None:
    source = "<img src=x>\n<p>{{verfy_code}}</p>"
    findings = lint(source, HBS, LOGIN, subject="{{app_nam}}")
    assert [(f.rule, f.field, f.line) for f in findings] == [
        ("missing-variable", "content", None),
        ("img-alt", "content", 1),
        ("unknown-variable", "content", 2),
        ("unknown-variable", "subject", 1),
    ]
    assert str(findings[1]).startswith("line 1: This image has no alt text")


HOSTILE = {
    "unclosed tags": "<a" * 20_000,
    "unclosed comments": "<!--" * 20_000,
    "unclosed attribute": '<a href="' + "x" * 50_000,
    "unclosed script": "<script>" + "</" * 20_000,
    "cdata": "<![" * 20_000,
    "processing instructions": "<?" * 20_000,
    "equals signs": "<a " + 'x="' * 20_000,
    "binary": bytes(range(256)).decode("latin-1") * 50,
    "surrogate-free unicode": "".join(chr(c) for c in range(0x2000, 0x2400)) * 10,
    "handlebars soup": "{{#each}}{{/if}}{{[}}{{> }}{{{{raw}}}}" * 500,
    "ejs soup": "<% /[ %><%= ` %><% /* %><%- '" * 500,
    "regex-like slashes": "<% var a = 1 %><%= [ /[ /[ /[ %>" * 500,
}


@pytest.mark.parametrize("engine", [HBS, EJS])
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_never_breaks_it(name: str, engine: TemplateEngine) -> None:
    started = time.monotonic()
    findings = lint(HOSTILE[name], engine, LOGIN, subject=HOSTILE[name][:500], sender="\x00")
    assert time.monotonic() - started < 5
    assert findings  # at the least, the code is missing or the template does not compile


def test_a_huge_template() -> None:
    (finding,) = lint("<p>{{verify_code}}</p>" * 10_000, HBS, LOGIN)
    assert finding.rule == "compile-error" and "longer than 128 KB" in finding.message
    # EJS has no size limit. Python 3.11's HTMLParser, fed any of these whole, takes seconds or minutes.
    for unit in ("<a ", "<!--", '<a x="', "<img"):
        started = time.monotonic()
        findings = lint(unit * 60_000 + "<%= verify_code %>", EJS, LOGIN)
        assert time.monotonic() - started < 2, unit
        assert [finding.rule for finding in findings] == ["gmail-clipping"]
