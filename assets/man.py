#!/usr/bin/env python3
"""Write bcadmin(1) at build time: the verbs and options from the program's own table
(`bcadmin help --json`), the rest from README.md's sections (the user manual), so neither can
drift from the man page.

usage: man.py BCADMIN README.md OUTPUT
"""
import json
import re
import subprocess
import sys

# README sections that become man page sections, in man page order.
SECTIONS = [
    ("Shell completion", "SHELL COMPLETION"),
    ("Environment", "ENVIRONMENT"),
    ("Files", "FILES"),
    ("Exit codes", "EXIT STATUS"),
    ("Examples", "EXAMPLES"),
]


def esc(text):
    """Roff-escape plain text (backslashes, hyphens, leading dots)."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    # Non-ASCII as groff's Unicode escapes, so plain `groff -Tutf8` reads them too.
    return "".join(c if ord(c) < 128 else "\\[u%04X]" % ord(c) for c in text)


def line_start(text):
    return "\\&" + text if text.startswith((".", "'")) else text


def inline(text):
    """Markdown inline markup to roff: `code` and **strong** bold, [text](url) to text."""
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    out = []
    for i, part in enumerate(re.split(r"(`[^`]+`|\*\*[^*]+\*\*)", text)):
        if i % 2:
            out.append("\\fB\\%" + esc(part.strip("`*")) + "\\fR")
        else:
            out.append(esc(part))
    return "".join(out)


def section(readme, title):
    """The body of the README section (## or ###) called title, up to the next heading."""
    m = re.search(r"^#{2,3} " + re.escape(title) + r"\n(.*?)(?=^#{1,3} |\Z)", readme, re.M | re.S)
    if not m:
        sys.exit("man.py: README.md has no section \"%s\"" % title)
    return m.group(1)


def markdown(body):
    """The small Markdown subset the README's reference sections use: paragraphs, '- ' lists
    (with continuation lines) and ``` blocks."""
    out, para, in_code = [], [], False

    def flush():
        if para:
            text = " ".join(para)
            if text.startswith("- "):
                out.append(".IP \\(bu 2")
                text = text[2:]
            else:
                out.append(".PP")
            out.append(line_start(inline(text)))
            para.clear()

    for raw in body.splitlines():
        if raw.startswith("```"):
            flush()
            out.append(".PP\n.nf\n.RS 4" if not in_code else ".RE\n.fi")
            in_code = not in_code
        elif in_code:
            out.append(line_start(esc(raw)))
        elif not raw.strip():
            flush()
        elif raw.startswith("- "):
            flush()
            para.append(raw)
        else:
            para.append(raw.strip())
    flush()
    return "\n".join(out)


def option_lines(opts):
    out = []
    for o in opts:
        head = "\\fB\\-\\-" + esc(o["name"]) + "\\fR"
        if o["arg"]:
            head += " \\fI" + esc(o["arg"]) + "\\fR"
        out += [".TP", head, line_start(esc(o["help"]))]
    return out


def main():
    exe, readme_path, output = sys.argv[1:4]
    doc = json.loads(subprocess.run([exe, "help", "--json"], check=True, capture_output=True,
                                    text=True).stdout)
    readme = open(readme_path, encoding="utf-8").read()
    intro = re.search(r"^bcadmin is .*?(?=\n\n)", readme, re.M | re.S).group(0)
    lines = [
        '.TH BCADMIN 1 "" "bcadmin %s" "User Commands"' % doc["version"],
        ".ad l",  # ragged right: long option and file names never leave gaps
        ".SH NAME",
        "bcadmin \\- terminal admin console for Better Auth on Convex or SQLite",
        ".SH SYNOPSIS",
        ".B bcadmin",
        "[\\fIGLOBAL OPTIONS\\fR] [\\fIVERB\\fR [\\fIARGUMENTS\\fR] [\\fIOPTIONS\\fR]]",
        ".SH DESCRIPTION",
        line_start(inline(" ".join(intro.split()))),
        ".PP",
        "With no verb, bcadmin opens the interactive console on a terminal (press \\fB?\\fR for "
        "its keys) and lists users when standard output is not a terminal.",
        ".SH VERBS",
    ]
    for v in doc["verbs"]:
        head = "\\fBbcadmin " + esc(v["name"]) + "\\fR"
        if v["args"]:
            head += " \\fI" + esc(v["args"]) + "\\fR"
        lines += [".TP", head, line_start(esc(v["summary"]))]
        if v["options"]:
            lines += [".RS"] + option_lines(v["options"]) + [".RE"]
    lines += [".SH GLOBAL OPTIONS",
              "Accepted anywhere on the line. \\fB\\-h\\fR is \\fB\\-\\-help\\fR, \\fB\\-V\\fR is "
              "\\fB\\-\\-version\\fR."]
    lines += option_lines(doc["globalOptions"])
    for title, name in SECTIONS:
        lines += [".SH " + name, markdown(section(readme, title))]
    lines += [".SH SEE ALSO", "The README.md of the bcadmin sources: the full user manual."]
    with open(output, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
