"""Write seeded, realistic mail templates with their contexts, in both engines, for the differential run.

    python scripts/differential/generate_cases.py [SEED] [COUNT_PER_ENGINE] > generated.json

The same seed gives the same cases (only ``random.Random(seed)`` decides). A template is a few of the pieces a
mail is made of (a greeting, conditions, lists of users or links, nested objects, ``../``, ``@index``,
``{{{ }}}``, whitespace control, partials, sections on dotted names; in EJS ``if``, ``forEach``, ``<%-``, the
slurping tags), joined by the line breaks and markup a mail has; a context is a user, a company, lists and
values of every JSON type, some of them missing or empty. ``record.js`` then renders each on Node.
"""

from __future__ import annotations

import json
import random
import sys
from typing import Any

NAMES = ["Ada", "Grace", "Linus", "Zoë", "O'Brien", "<b>Eve</b>", "Tom & Jerry", "李雷", ""]
CITIES = ["Paris", "Zürich", "New York", "São Paulo", ""]


def user(rng: random.Random, full: bool = False) -> dict[str, Any]:
    person: dict[str, Any] = {"name": rng.choice(NAMES), "email": f"user{rng.randrange(100)}@example.com"}
    for key, values in (
        ("vip", [True, False, None, 0, 1, "yes", ""]),
        ("verified", [True, False]),
        ("nickname", ["Ace", "", None, "`back`"]),
        ("age", [0, 42, 3.5, -1, 1e21, 12345678901]),
    ):
        if full or rng.random() < 0.7:
            person[key] = rng.choice(values)
    if full or rng.random() < 0.6:
        person["address"] = rng.choice(
            [{"city": rng.choice(CITIES), "zip": rng.choice(["75001", 8001, None])}, None, {}, [], "Main St 1"]
        )
    return person


def context(rng: random.Random, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "user": user(rng, full),
        "users": [user(rng, full) for _ in range(rng.choice([0, 1, 2, 3]))],
        "links": [
            {
                "url": rng.choice(["https://example.com/a?x=1&y=2", "https://example.com/b", "javascript:x"]),
                "label": rng.choice(["Open", "Reset <password>", "Help = support", ""]),
            }
            for _ in range(rng.choice([0, 1, 2]))
        ],
        "company": rng.choice(
            [{"name": "ACME", "url": "https://acme.example", "phone": "+1 555"}, {"name": "Globex"}, {}]
        ),
        "code": rng.choice(["123456", 123456, "0042", 0]),
        "count": rng.choice([0, 1, 2, 10, -3, 2.5, 0.1 + 0.2]),
        "html": rng.choice(["<p>Hi</p>", "<a href='x'>x</a> & more", "", "plain"]),
        "flag": rng.choice([True, False, None, 0, "", "0", [], {}]),
        "tags": rng.choice([["new", "sale"], [], ["<i>"], [1, 2, 3]]),
        "expires_in": rng.choice([5, 30, "15", None]),
    }
    if not full:
        for key in rng.sample(sorted(data), rng.choice([0, 0, 1, 2])):
            del data[key]
    return data


HANDLEBARS_PIECES = [
    "Hello {{user.name}},",
    "<p>Dear {{#if user.nickname}}{{user.nickname}}{{else}}{{user.name}}{{/if}},</p>",
    "{{#if user.vip}}<b>VIP</b>{{else}}member{{/if}}",
    "{{#if user.vip}}gold{{else if user.verified}}silver{{else}}bronze{{/if}}",
    "{{#unless user.verified}}Please verify {{user.email}}.{{/unless}}",
    "<ul>{{#each users}}<li>{{@index}}: {{name}} &lt;{{email}}&gt;{{#if @first}} (first){{/if}}"
    "{{#unless @last}},{{/unless}}</li>{{/each}}</ul>",
    '{{#each links}}<a href="{{url}}">{{label}}</a> for {{../user.name}}{{else}}no links{{/each}}',
    "{{#with company}}{{name}} ({{url}}) writes to {{../user.name}}{{/with}}",
    "{{#with company}}{{name}}{{else}}no company{{/with}}",
    "{{{html}}}",
    "{{&html}} / {{html}}",
    "{{#user.address}}{{city}} {{zip}}{{/user.address}}",
    "{{^user.nickname}}no nickname{{/user.nickname}}",
    "{{#users}}{{name}};{{/users}}",
    "{{^users}}nobody{{/users}}",
    "Your code: {{code}} ({{expires_in}} minutes)",
    "{{count}} items, {{user.age}} years",
    "\n{{#each users}}\n  - {{name}}\n{{/each}}\n",
    "{{~#if flag~}}\n  yes\n{{~else~}}\n  no\n{{~/if~}}",
    "  {{#if flag}}\n  on\n  {{/if}}\n",
    "{{> footer}}",
    "{{#each users}}\n  {{> item}}\n{{/each}}",
    "{{> card user}}",
    "{{> card name=user.name}}",
    "{{#each company}}{{@key}}={{this}} {{/each}}",
    "{{#if users.length}}{{users.length}} users{{/if}}",
    "{{!-- a comment --}}{{! another }}",
    "\\{{not a tag}} {{user.name}}",
    "{{#each users}}{{@root.company.name}}/{{name}} {{/each}}",
    "{{#each tags}}{{this}} {{/each}}",
    "{{#each users}}{{#each ../links}}{{../name}}:{{label}} {{/each}}{{/each}}",
    "{{lookup company 'name'}} {{#with (lookup users 0)}}{{name}}{{/with}}",
    "{{#if flag includeZero=true}}zero counts{{/if}}",
    "{{tags}} {{company}} {{users.0.name}}",
    "{{user.address.city}}",
    "{{{user.name}}} {{~{user.email}~}}",
    "{{#each users}}{{@index}}{{#each ../tags}}{{@../index}}.{{@index}} {{/each}}{{/each}}",
    "{{#with user}}{{#with address}}{{city}} {{../name}} {{../../code}}{{/with}}{{/with}}",
    "{{#if flag}}{{{count}}}{{{user.age}}} points{{/if}}",
    "{{{count}}}{{{expires_in}}} minutes",
    "{{#user}}{{name}}{{/user}}{{{count}}}{{{code}}}",
    "{{#if nothing}}{{format user.name}}{{#each}}{{/each}}{{/if}}",
    "{{#if user.vip}}{{user.name}}{{else user.address}}{{city}}{{/if}}",
    "{{#each users}}{{#../company}}{{name}}@{{/../company}}{{/each}}",
    "{{> [card]}} {{> 'footer'}}",
    "{{#each users}}{{> card name=../user.name}}{{/each}}",
    "{{[user].[name]}} {{user.[address].city}}",
    "{{#each users as |u i|}}{{i}}. {{u.name}} ({{../company.name}}){{else}}none{{/each}}",
    "{{#with company as |c|}}{{c.name}} {{name}}{{/with}}",
    "{{#> layout}}\n  <p>{{user.name}}</p>\n{{/layout}}\n",
    '{{#*inline "sig"}}-- {{company.name}}{{/inline}}{{#each users}}{{> sig}} {{/each}}',
    "{{#> missing}}fallback {{code}}{{/missing}}",
]
PARTIALS = {
    "footer": "<p>{{company.name}} &middot; {{company.phone}}</p>",
    "item": "<li>{{name}}</li>\n<li>{{email}}</li>\n",
    "card": "[{{name}}{{#if vip}} *{{/if}}]",
    "layout": "<table>\n  <tr><td>{{> @partial-block}}</td></tr>\n</table>\n",
}
LAYOUTS = ["{}", "<html><body>\n{}\n</body></html>", "<table><tr><td>{}</td></tr></table>\n"]
SEPARATORS = ["\n", " ", "<br>\n", "\n\n", "", "\r\n"]

EJS_PIECES = [
    "<p>Hello <%= user.name %>,</p>",
    "<% if (user.vip) { %><b>VIP</b><% } else { %>member<% } %>",
    "<ul><% users.forEach(function (u, i) { %><li><%= i %>: <%= u.name %></li><% }) %></ul>",
    "<%- html %> / <%= html %>",
    "<%_ if (flag) { _%>\n  yes\n<%_ } _%>",
    "Your code: <%= code %> (<%= expires_in %> minutes)",
    "<%= count * 2 %> <%= typeof count %>",
    "<%# a comment %><%% not a tag %>",
    '<% for (const l of links) { -%>\n<a href="<%= l.url %>"><%= l.label %></a>\n<% } -%>',
    "<%= users.map(u => u.name).join(', ') %>",
    "<%= JSON.stringify(company) %>",
    "<%= user.nickname || 'friend' %>",
    "<%= locals.missing %>|<%= typeof missing %>",
    "<% if (user.address && user.address.city) { %><%= user.address.city %><% } %>",
    "<%= tags %> <%= company %> <%= user.age %>",
    "<% if (users.length === 0) { %>nobody<% } %>",
    "<%= (company.name || '').toUpperCase() %>",
    "  <% if (flag) { %>\n  on\n  <% } %>\n",
    "<%= [1, 2].map(function (n) { return n * count; }) %>",
    "<%= (0.1 + 0.2).toFixed(2) %> <%= 1/3 %>",
]
# Templates that fail, at compile and at render: both engines must refuse them.
EJS_BROKEN = ["<% if (user.vip) { %>unclosed", "<%= user.name.first.last %>", "<%= nothing %>", "<% } %>"]
# Names a context given to ejs.render(template, data) may hold that ejs takes as options.
EJS_OPTION_CASES: list[tuple[str, dict[str, Any]]] = [
    ("<p><?= name ?></p><%= name %>", {"name": "N", "delimiter": "?"}),
    ("<%= name %>|<%= locals.name %>", {"name": "N", "_with": False}),
    ("<%= locals.name %>", {"name": "N", "_with": False}),
    ("<%= name %>", {"name": "N", "strict": True}),
    ("<%= locals.name %>|<%= typeof this %>", {"name": "N", "strict": True}),
    ("<%= this.x %>", {"context": {"x": "X"}}),
    ("<%= this.x %>", {"scope": {"x": "X"}}),
    ("  <%= name %>  \n\n  next\n", {"name": "N", "rmWhitespace": True}),
    ("<%= name %>", {"name": "N", "client": True}),
    ("<%= name %>", {"name": "N", "async": True}),
    ("<%= name %>", {"name": "N", "debug": True}),
    ("<%= name %>", {"name": "N", "compileDebug": False}),
    ("<%= name %>", {"name": "N", "filename": "mail.ejs"}),
    ("<%- include('other') %>", {"filename": "/etc/mail.ejs"}),
    ("<%= name %>|<%= localsName %>", {"name": "N", "localsName": "it"}),
    ("<%= name %>", {"name": "<N>", "escape": "x"}),
    ("<%= name %>", {"name": "N", "cache": True}),
    ("<$= name $>", {"name": "N", "delimiter": "$", "openDelimiter": "[", "closeDelimiter": "]"}),
    ("<%= name %>", {"name": "N", "outputFunctionName": "echo"}),
    ("<%= name %>", {"name": "N", "delimiter": None}),
    ("<%= name %>", {"name": "N", "delimiter": 5}),
]


def handlebars_case(rng: random.Random) -> dict[str, Any]:
    pieces = rng.sample(HANDLEBARS_PIECES, rng.randint(2, 6))
    body = rng.choice(SEPARATORS).join(pieces)
    template = rng.choice(LAYOUTS).replace("{}", body)
    case: dict[str, Any] = {"engine": "handlebars", "template": template, "context": context(rng)}
    used = {name: text for name, text in PARTIALS.items() if name in template}
    if used:
        case["partials"] = used
    return case


def ejs_case(rng: random.Random) -> dict[str, Any]:
    pieces = rng.sample(EJS_PIECES, rng.randint(2, 5))
    template = rng.choice(LAYOUTS).replace("{}", rng.choice(SEPARATORS).join(pieces))
    return {"engine": "ejs", "template": template, "context": context(rng, full=True)}


def generate(seed: int, count: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)  # noqa: S311 - test data: reproducible, not secret
    cases = []
    for index in range(count):
        cases.append({**handlebars_case(rng), "origin": f"generated seed {seed} handlebars #{index}"})
    for index in range(count):
        cases.append({**ejs_case(rng), "origin": f"generated seed {seed} ejs #{index}"})
    for index, (template, data) in enumerate(EJS_OPTION_CASES):
        origin = f"ejs options in data #{index}"
        cases.append({"engine": "ejs", "origin": origin, "template": template, "context": data})
    for index, template in enumerate(EJS_BROKEN):
        case = {"engine": "ejs", "origin": f"ejs broken #{index}", "template": template, "context": context(rng, True)}
        cases.append(case)
    return cases


if __name__ == "__main__":
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    print(json.dumps(generate(seed, count), indent=1, ensure_ascii=False))
