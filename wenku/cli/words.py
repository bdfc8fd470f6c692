"""Free words that start with "-" (``wenku search 高质量发展 -农村``): part of the query, not options.

argparse takes every argument that starts with "-" for an option, so the README's own exclusion example failed as
"unrecognized arguments". For a command whose positionals are free text, an argument is an option only when it is
one of the parser's option strings (or ``--name=value`` of one); anything else, and everything after ``--``, is a
word. Known options keep working wherever they stand.
"""

from __future__ import annotations

import argparse


def options_first(parser: argparse.ArgumentParser, args: list[str]) -> list[str]:
    """``args`` reordered as the known options (with their values), then ``--``, then the words in their order."""
    known = parser._option_string_actions  # argparse's own table of option strings (stable since Python 2.7)
    options: list[str] = []
    words: list[str] = []
    position = 0
    while position < len(args):
        arg = args[position]
        position += 1
        if arg == "--":
            words.extend(args[position:])
            break
        name = arg.split("=", 1)[0] if arg.startswith("--") else arg
        action = known.get(name) if arg.startswith("-") else None
        if action is None:
            words.append(arg)
            continue
        options.append(arg)
        if "=" not in arg and action.nargs != 0 and position < len(args):
            options.append(args[position])  # the option's value, whatever it looks like
            position += 1
    return [*options, "--", *words] if words else options
