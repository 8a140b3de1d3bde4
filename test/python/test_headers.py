"""HTTPHeaderMap: case-insensitive, multi-valued, ordered, bytes, never
split on commas."""
import pytest

from hyper import HTTPHeaderMap


@pytest.mark.parametrize("key", ["content-type", "Content-Type", b"CONTENT-TYPE"])
def test_lookup_is_case_insensitive(key):
    h = HTTPHeaderMap([(b"Content-Type", b"text/html; charset=utf-8")])
    assert h[key] == [b"text/html; charset=utf-8"]
    assert key in h


def test_multi_valued_in_order_and_not_split():
    h = HTTPHeaderMap([(b"set-cookie", b"a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT"),
                       (b"x", b"1"), (b"Set-Cookie", b"b=2")])
    assert h["set-cookie"] == [b"a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT", b"b=2"]
    assert len(h) == 3 and list(h) == [b"set-cookie", b"x"]
    assert h.items()[1] == (b"x", b"1")


def test_mutation():
    h = HTTPHeaderMap()
    h["Accept"] = "text/html, application/json"
    h.add("accept", b"*/*")
    assert h["ACCEPT"] == [b"text/html, application/json", b"*/*"]
    h["accept"] = ["a", "b"]
    assert h.items() == [(b"accept", b"a"), (b"accept", b"b")]
    del h["Accept"]
    assert "accept" not in h and len(h) == 0
    with pytest.raises(KeyError):
        h["accept"]
    with pytest.raises(KeyError):
        del h["accept"]


def test_constructors_equality_repr():
    a = HTTPHeaderMap({"x": ["1", "2"], "y": "3"})
    b = HTTPHeaderMap([("X", "1"), ("x", "2"), ("y", b"3")])
    assert a == b and a != HTTPHeaderMap({"x": "1"})
    assert a == {"x": ["1", "2"], "y": "3"}
    assert repr(HTTPHeaderMap([(b"server", b"h2o")])) == "HTTPHeaderMap([(b'server', b'h2o')])"
    assert a.copy() == a and a.get("z", 5) == 5
    with pytest.raises(TypeError):
        HTTPHeaderMap({"x": 1.5})
