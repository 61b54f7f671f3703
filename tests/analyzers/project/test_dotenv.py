"""`.env` parsing: the python-dotenv basics. Values here are fake; assertions never print them."""

from __future__ import annotations

from django_expert.analyzers.project.dotenv import parse_env_file


def test_comments_blank_lines_and_export():
    env = parse_env_file("# a comment\n\nexport A=1\n   # indented comment\nB=2\n")
    assert env == {"A": "1", "B": "2"}


def test_unquoted_values_and_inline_comments():
    env = parse_env_file("A=value # comment\nB=a#b\nC=  spaced value   \nD=#not-a-comment\n")
    assert env == {"A": "value", "B": "a#b", "C": "spaced value", "D": "#not-a-comment"}


def test_empty_values_and_spaces_around_equals():
    env = parse_env_file("EMPTY=\nSPACED = x\nQUOTED_EMPTY=''\nDQ_EMPTY=\"\"\n")
    assert env == {"EMPTY": "", "SPACED": "x", "QUOTED_EMPTY": "", "DQ_EMPTY": ""}


def test_single_quotes_are_literal_except_quote_and_backslash():
    env = parse_env_file("A='a\\nb # not a comment'\nB='it\\'s'\nC='x' # comment\n")
    assert env == {"A": "a\\nb # not a comment", "B": "it's", "C": "x"}


def test_double_quotes_with_escapes():
    env = parse_env_file('A="line1\\nline2"\nB="tab\\there"\nC="say \\"hi\\""\nD="back\\\\slash"\n')
    assert env == {"A": "line1\nline2", "B": "tab\there", "C": 'say "hi"', "D": "back\\slash"}


def test_multiline_quoted_value():
    env = parse_env_file('KEY="first\nsecond"\nNEXT=1\n')
    assert env == {"KEY": "first\nsecond", "NEXT": "1"}


def test_no_variable_expansion():
    env = parse_env_file("A=1\nB=${A}/x\n")
    assert env["B"] == "${A}/x"


def test_bad_lines_are_skipped_and_last_assignment_wins():
    env = parse_env_file("just words\nKEY_WITHOUT_VALUE\nA=1\nA=2\nB=\"x\" trailing\nC=3\n")
    assert env == {"A": "2", "C": "3"}


def test_crlf_bom_and_quoted_key():
    env = parse_env_file("\ufeffA=1\r\nB='two'\r\n'C'=3\r\n")
    assert env == {"A": "1", "B": "two", "C": "3"}


def test_unterminated_quote_does_not_hang():
    env = parse_env_file("A='never closed\nB=2")
    assert "A" not in env
