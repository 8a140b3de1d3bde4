"""
hyper.headers -- HTTPHeaderMap, the header collection of Python hyper.

Ordered, case-insensitive on names, multi-valued; names and values are
bytes. Indexing gives the list of every value of a name in order:
    resp.headers['content-type'] == [b'text/html; charset=utf-8']
Values are kept exactly as received and exactly as given: nothing is ever
split on commas (Python hyper did, which broke User-Agent and Accept
headers on sending and Set-Cookie dates on receiving).
"""
from collections.abc import MutableMapping


def to_bytes(x, what="header"):
    if isinstance(x, bytes):
        return x
    if isinstance(x, (bytearray, memoryview)):
        return bytes(x)
    if isinstance(x, str):
        return x.encode("latin-1") if what == "value" else x.encode("ascii")
    if isinstance(x, int) and not isinstance(x, bool):
        return str(x).encode("ascii")
    raise TypeError("%s must be str or bytes, not %s" % (what, type(x).__name__))


class HTTPHeaderMap(MutableMapping):
    def __init__(self, *args, **kwargs):
        self._items = []
        for arg in args:
            self.merge(arg)
        if kwargs:
            self.merge(kwargs)

    @staticmethod
    def _key(k):
        return to_bytes(k, "name").lower()

    def __getitem__(self, key):
        k = self._key(key)
        values = [v for n, v in self._items if n.lower() == k]
        if not values:
            raise KeyError(key)
        return values

    def __setitem__(self, key, value):
        """Replaces every field of that name by one (or, for a list of values,
        one field per value)."""
        self.replace(key, value)

    def __delitem__(self, key):
        k = self._key(key)
        before = len(self._items)
        self._items = [(n, v) for n, v in self._items if n.lower() != k]
        if len(self._items) == before:
            raise KeyError(key)

    def __iter__(self):
        """Each name once, in order of first appearance."""
        seen = set()
        for n, _ in self._items:
            if n.lower() not in seen:
                seen.add(n.lower())
                yield n

    def __len__(self):
        """Number of fields (a name sent twice counts twice), as Python hyper."""
        return len(self._items)

    def __contains__(self, key):
        try:
            k = self._key(key)
        except TypeError:
            return False
        return any(n.lower() == k for n, _ in self._items)

    def __eq__(self, other):
        if isinstance(other, HTTPHeaderMap):
            return [(n.lower(), v) for n, v in self._items] == \
                   [(n.lower(), v) for n, v in other._items]
        if isinstance(other, dict):
            return self == HTTPHeaderMap(other)
        return NotImplemented

    def __ne__(self, other):
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    def __repr__(self):
        return "HTTPHeaderMap(%r)" % (self._items,)

    def add(self, key, value):
        """Appends one field; never replaces, never splits."""
        self._items.append((to_bytes(key, "name"), to_bytes(value, "value")))

    append = add

    def replace(self, key, value):
        k = self._key(key)
        values = value if isinstance(value, (list, tuple)) else [value]
        new = [(to_bytes(key, "name"), to_bytes(v, "value")) for v in values]
        out, placed = [], False
        for n, v in self._items:
            if n.lower() == k:
                if not placed:
                    out.extend(new)
                    placed = True
                continue
            out.append((n, v))
        if not placed:
            out.extend(new)
        self._items = out

    def merge(self, other):
        """Adds every field of another map, a dict (a list value gives one
        field per element) or an iterable of (name, value) pairs."""
        if isinstance(other, HTTPHeaderMap):
            pairs = list(other._items)
        elif hasattr(other, "items"):
            pairs = []
            for k, v in other.items():
                for one in (v if isinstance(v, (list, tuple)) else [v]):
                    pairs.append((k, one))
        else:
            pairs = list(other)
        for k, v in pairs:
            self.add(k, v)

    def items(self):
        """Every (name, value) pair in order, duplicates included."""
        return list(self._items)

    def iter_raw(self):
        return iter(list(self._items))

    def keys(self):
        return list(iter(self))

    def values(self):
        return [v for _, v in self._items]

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def copy(self):
        return HTTPHeaderMap(self)
