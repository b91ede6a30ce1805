"""The plain-text part of a mail, from its HTML."""

from __future__ import annotations

import pytest

from mailconsole.rendering import html_to_text

MAIL = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Your Acme login code</title>
<style>
.code { font-size: 28px; }
</style>
<script>track()</script>
</head>
<body style="margin:0">
<div style="display: none; max-height: 0">Your login code is 482913.</div>
<table role="presentation" width="100%"><tr><td>
  <h1 style="margin:0">Your login code</h1>
  <p>Hi Alice&nbsp;Chen,</p>
  <p>Enter this code to sign in to Acme &amp; Co:</p>
  <table><tr><td class="code">482913</td></tr></table>


  <p>Or open <a href="https://acme.example.com/login?code=482913&amp;lang=en">the sign-in page</a>.<br>
  It expires in 5&nbsp;minutes.</p>
  <p>Help: <a href="mailto:help@acme.example.com">help@acme.example.com</a> or
     <a href="https://acme.example.com/">https://acme.example.com</a></p>
  <ul><li>Never share this code.</li><li>We will never ask for it.</li></ul>
</td></tr></table>
<p>&copy; Acme &middot; <a href="#top">back to top</a></p>
</body>
</html>
"""

EXPECTED = """Your login code

Hi Alice Chen,

Enter this code to sign in to Acme & Co:

482913

Or open the sign-in page (https://acme.example.com/login?code=482913&lang=en).
It expires in 5 minutes.

Help: help@acme.example.com or https://acme.example.com

- Never share this code.
- We will never ask for it.

© Acme · back to top"""


def test_a_typical_mail() -> None:
    assert html_to_text(MAIL) == EXPECTED


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ('<a href="https://x.example/a">Verify</a>', "Verify (https://x.example/a)"),
        ('<a href="https://x.example/">https://x.example</a>', "https://x.example"),
        ('<a href="https://x.example/"><img src="logo.png"></a>', "https://x.example/"),
        ('<a href="javascript:void(0)">here</a>', "here"),
        ("one<br>two<br/>three", "one\ntwo\nthree"),
        ("<div>a</div><div>b</div>", "a\nb"),
        ("<p>a</p>\n\n\n<p></p><p></p><p>b</p>", "a\n\nb"),
        ("&lt;b&gt; &quot;q&quot; &#x27;s&#x27; &euro;", "<b> \"q\" 's' €"),
        ("  lots   of \n\t space  ", "lots of space"),
        ("<td>a</td><td>b</td>", "a b"),
        ("<div hidden>secret</div>shown", "shown"),
        ('<div style="display:none">never closed<p>but the text stays', "never closed\n\nbut the text stays"),
        ("<style>p { color: red }</style><script>if (a < b) {}</script>text", "text"),
    ],
)
def test_pieces(html: str, text: str) -> None:
    assert html_to_text(html) == text
