"""Reading a configuration directory: every fault named by file and line, before any backend is asked."""

from __future__ import annotations

import pytest

from mailconsole.config_files.desired import load_config
from mailconsole.config_files.files import ConfigFileError, dump_yaml, load_yaml
from mailconsole.models import SECRET_MASK

LOGIN_YAML = "name: Login\nsubject: Code {{verify_code}}\nsender: Acme\ncustomizeEnabled: true\n"


def problems(files: dict[str, str], env: dict[str, str] | None = None) -> list[str]:
    return load_config(files, env or {})[1]


def test_a_syntax_error_names_its_line() -> None:
    with pytest.raises(ConfigFileError, match=r"^provider.yaml, line 2: not valid YAML \(mapping values"):
        load_yaml("provider.yaml", "enabled: true\ntype: custom: smtp\nsmtpConfig: {}\n")


def test_aliases_are_refused_before_anything_expands_them() -> None:
    bomb = "a: &a {x: 1, y: 1}\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"
    with pytest.raises(ConfigFileError, match=r"line \d+: YAML aliases \(\*name\) are not supported"):
        load_yaml("provider.yaml", bomb)


def test_the_mask_or_a_value_in_a_secret_field_is_refused() -> None:
    for value in (SECRET_MASK, "hunter2"):
        text = f"enabled: true\ntype: custom\nsmtpConfig:\n  smtp_host: h\n  smtp_port: 25\n  senderPass: '{value}'\n"
        [problem] = problems({"provider.yaml": text})
        assert problem.startswith("provider.yaml, line 6: smtpConfig.senderPass holds ")
        assert "${SMTP_PASSWORD}" in problem


def test_a_secret_comes_from_its_variable() -> None:
    text = "enabled: true\ntype: custom\nsmtpConfig:\n  smtp_host: h\n  smtp_port: 25\n  senderPass: ${MY_PW}\n"
    config, found = load_config({"provider.yaml": text}, {"MY_PW": "pw-from-env"})
    assert found == []
    assert config.provider is not None and config.provider.provider.smtp_config is not None
    assert config.provider.provider.smtp_config.sender_pass == "pw-from-env"
    assert config.provider.variables == {"smtpConfig.senderPass": "MY_PW"}


def test_template_files_are_checked_against_each_other() -> None:
    assert problems({"templates/LOGIN_VERIFY_CODE.yaml": LOGIN_YAML}) == [
        "templates/LOGIN_VERIFY_CODE.yaml: its body templates/LOGIN_VERIFY_CODE.hbs is missing (tplEngine is "
        "handlebar)."
    ]
    assert problems({"templates/LOGIN_VERIFY_CODE.ejs": "<p></p>"}) == [
        "templates/LOGIN_VERIFY_CODE.ejs: no templates/LOGIN_VERIFY_CODE.yaml beside it; write one (name, subject, "
        "sender...) or remove it."
    ]
    both = {
        "templates/LOGIN_VERIFY_CODE.yaml": LOGIN_YAML,
        "templates/LOGIN_VERIFY_CODE.hbs": "<p></p>",
        "templates/LOGIN_VERIFY_CODE.ejs": "<p></p>",
    }
    assert problems(both)[0].startswith("templates/LOGIN_VERIFY_CODE.ejs: templates/LOGIN_VERIFY_CODE.yaml says")
    assert problems({"templates/LOGIN_CODE.yaml": LOGIN_YAML})[0].startswith(
        "templates/LOGIN_CODE.yaml: no template type is called 'LOGIN_CODE'"
    )
    wrong_type = {
        "templates/LOGIN_VERIFY_CODE.yaml": LOGIN_YAML + "expiresIn: soon\n",
        "templates/LOGIN_VERIFY_CODE.hbs": "",
    }
    assert problems(wrong_type)[0].startswith("templates/LOGIN_VERIFY_CODE.yaml, line 5: expiresIn: ")


def test_dumped_yaml_reads_back_as_written() -> None:
    data = {"name": "yes", "subject": "{{a}}: b", "caBundle": "-----BEGIN-----\nabc\n-----END-----\n", "n": 1}
    text = dump_yaml(data, comment="first\nsecond")
    assert text.startswith("# first\n# second\n")
    assert "caBundle: |\n" in text
    assert load_yaml("x.yaml", text).data == data
    assert dump_yaml(data) == dump_yaml(dict(data))
