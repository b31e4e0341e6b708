"""Reading pages as a browser would: their forms (with the values a browser would send) and their links.

Both guards send what a real form sends, so that a refusal or a 500 is about the route, not about a
request no browser could make.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.html
from werkzeug.datastructures import MultiDict

TEXT_LIKE = {"", "text", "email", "password", "number", "date", "time", "datetime-local", "hidden", "url", "search",
             "tel", "color", "range", "month", "week"}  # fmt: skip


@dataclass
class Field:
    name: str
    value: str
    kind: str  # input type, "select", "textarea", "file", "checkbox", "radio", "submit"
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    """One <form>: where it goes, how, and the fields a browser sends when its first button is used."""

    page: str  # the page it was found on
    action: str  # path (and query) it is sent to
    method: str
    fields: list[Field]

    @property
    def path(self) -> str:
        return urlsplit(self.action).path

    def names(self) -> list[str]:
        seen: list[str] = []
        for f in self.fields:
            if f.name not in seen:
                seen.append(f.name)
        return seen

    def baseline(self) -> list[tuple[str, object]]:
        return [(f.name, baseline_value(f)) for f in self.fields]


def baseline_value(f: Field):
    if f.kind == "file":
        return f.value  # a (bytes, filename) pair, see parse_forms
    return f.value


def encode(pairs: list[tuple[str, object]]) -> MultiDict:
    """The pairs as the test client's `data` (files as fresh streams: a stream is read once)."""
    data = MultiDict()
    for name, value in pairs:
        if isinstance(value, tuple):
            content, filename = value
            data.add(name, (io.BytesIO(content), filename))
        else:
            data.add(name, value)
    return data


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


FILE_BASELINES = {
    "photo": lambda: (_png(), "photo.png"),
    "file": lambda: ("titre;format;durée\nAtelier de test;Atelier;60\n".encode(), "import.csv"),
}


def parse_forms(page_url: str, html: bytes) -> list[Form]:
    try:
        doc = lxml.html.fromstring(html)
    except Exception:  # not HTML (a file, JSON, an empty body)
        return []
    forms = []
    for element in doc.iter("form"):
        action = urljoin(page_url, element.get("action") or page_url)
        method = (element.get("method") or "get").upper()
        fields: list[Field] = []
        submit_used = False
        for control in element.iter("input", "select", "textarea", "button"):
            name = control.get("name")
            if not name or control.get("disabled") is not None:
                continue
            tag = control.tag
            if tag == "select":
                options = [o.get("value", o.text_content()) for o in control.iter("option")]
                chosen = [
                    o.get("value", o.text_content()) for o in control.iter("option") if o.get("selected") is not None
                ]
                if control.get("multiple") is not None:
                    fields += [Field(name, v, "select", options) for v in chosen]
                    if not chosen:
                        fields.append(Field(name, None, "select", options))  # sends nothing: kept for fuzzing
                else:
                    fields.append(Field(name, (chosen or options or [""])[0], "select", options))
            elif tag == "textarea":
                fields.append(Field(name, control.text or "", "textarea"))
            else:
                kind = (control.get("type") or ("submit" if tag == "button" else "text")).lower()
                if kind in ("submit", "image"):
                    if not submit_used:  # the first button is the one used
                        fields.append(Field(name, control.get("value", ""), "submit"))
                        submit_used = True
                elif kind in ("checkbox", "radio"):
                    value = control.get("value", "on")
                    checked = control.get("checked") is not None
                    if kind == "radio":
                        same = [f for f in fields if f.name == name and f.kind == "radio"]
                        if checked:
                            for f in same:
                                fields.remove(f)
                            fields.append(Field(name, value, "radio"))
                        elif not same:
                            fields.append(Field(name, value, "radio"))  # none checked yet: the first one
                    else:
                        fields.append(Field(name, value if checked else None, "checkbox"))
                elif kind == "file":
                    fields.append(Field(name, FILE_BASELINES.get(name, lambda: (b"", ""))(), "file"))
                elif kind in ("button", "reset"):
                    continue
                else:
                    fields.append(Field(name, control.get("value", ""), kind))
        fields = [f for f in fields if f.value is not None or f.kind in ("checkbox", "select")]
        forms.append(Form(page_url, action, method, fields))
    return forms


def sendable(pairs: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """Leave out what a browser does not send (an unchecked box, an empty multiple select)."""
    return [(name, value) for name, value in pairs if value is not None]


def parse_links(page_url: str, html: bytes) -> list[str]:
    """Every link of the page to this site (path and query)."""
    try:
        doc = lxml.html.fromstring(html)
    except Exception:
        return []
    links = []
    for element in doc.iter("a", "link"):
        href = element.get("href")
        if not href or href.startswith(("mailto:", "tel:", "#", "javascript:", "webcal:")):
            continue
        full = urljoin(page_url, href)
        parts = urlsplit(full)
        if parts.netloc and parts.netloc != "localhost":
            continue
        links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)
