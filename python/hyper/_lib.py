"""
hyper._lib -- the C library through ctypes.

Implementation notes: the structures below mirror include/hyper.h member by
member (order and C types). At load time every row of hyper_abi_members()
(the offsets and sizes the compiler that built libhyper.so saw) is compared
with ctypes' idea of the same member, and a mismatch refuses to load, so a
changed header or another build profile cannot corrupt memory silently.

The library is looked up, in order: $HYPER_LIBRARY (a path), libhyper.so in
the repository's build/ folder next to this package (python/../build), then
the dynamic loader's search path ("libhyper.so"). ctypes releases the GIL
around every call, so a blocking read in one thread does not stop others.
"""
import ctypes
import os
from ctypes import (POINTER, Structure, c_char_p, c_int, c_int32, c_long,
                    c_size_t, c_uint, c_uint8, c_uint16, c_uint32, c_uint64,
                    c_void_p, CFUNCTYPE)

# -- section 4: a header field ------------------------------------------------
class HpackField(Structure):
    _fields_ = [("name", c_void_p), ("name_len", c_size_t),
                ("value", c_void_p), ("value_len", c_size_t),
                ("flags", c_uint)]


# -- section 9: transport options --------------------------------------------
class TransportOpts(Structure):
    _fields_ = [("connect_timeout_ms", c_int), ("handshake_timeout_ms", c_int),
                ("tls", c_int), ("server_name", c_char_p),
                ("alpn", POINTER(c_char_p)), ("alpn_count", c_size_t),
                ("ca_file", c_char_p), ("ca_path", c_char_p),
                ("ca_data", POINTER(c_uint8)), ("ca_data_len", c_size_t),
                ("client_cert_file", c_char_p), ("client_key_file", c_char_p),
                ("client_key_password", c_char_p),
                ("insecure_skip_verify", c_int)]


# -- section 6: HTTP/2 engine options ----------------------------------------
class H2Options(Structure):
    _fields_ = [(n, c_uint32) for n in (
        "header_table_size",)] + [("enable_push", c_int)] + [(n, c_uint32) for n in (
        "max_concurrent_streams", "initial_window_size", "connection_window_size",
        "max_frame_size", "max_header_list_size", "window_update_percent",
        "max_queued_acks", "max_empty_frames", "max_continuations",
        "max_rst_received", "max_pushed_streams", "max_streams",
        "max_closed_streams", "max_events")] + [
        ("output_buffer_size", c_size_t), ("stream_send_buffer", c_size_t)]


# -- section 7: HTTP/1.1 engine options --------------------------------------
class H1Options(Structure):
    _fields_ = [("max_line", c_size_t), ("max_headers", c_size_t),
                ("max_head", c_size_t), ("max_output", c_size_t),
                ("max_pipeline", c_uint), ("strict_crlf", c_int)]


# -- section 10: connection options ------------------------------------------
CONNECT_FN = CFUNCTYPE(c_int, c_void_p, c_char_p, c_uint16, c_int, c_void_p,
                       c_void_p, c_char_p, c_size_t)


class ConnOpts(Structure):
    _fields_ = [("secure", c_int), ("protocol", c_int), ("enable_push", c_int),
                ("decompress", c_int), ("connect_timeout_ms", c_int),
                ("read_timeout_ms", c_int), ("request_timeout_ms", c_int),
                ("user_agent", c_char_p), ("mem", c_void_p),
                ("max_buffered", c_size_t), ("retry_on_goaway", c_int),
                ("transport", TransportOpts), ("h2", H2Options), ("h1", H1Options),
                ("connect", CONNECT_FN), ("connect_ctx", c_void_p)]


class AbiMember(Structure):
    _fields_ = [("type", c_char_p), ("member", c_char_p),
                ("offset", c_size_t), ("size", c_size_t)]


MIRRORS = {"hyper_hpack_field": HpackField, "hyper_transport_opts": TransportOpts,
           "hyper_h2_options": H2Options, "hyper_h1_options": H1Options,
           "hyper_conn_opts": ConnOpts}

PROTO_AUTO, PROTO_H2, PROTO_HTTP1 = 0, 1, 2
DETAIL_MAX = 512

# restype, argtypes of every function used.
_SIGNATURES = {
    "hyper_strerror": (c_char_p, [c_int]),
    "hyper_strerror_name": (c_char_p, [c_int]),
    "hyper_abi_members": (POINTER(AbiMember), [POINTER(c_size_t)]),
    "hyper_headers_count": (c_size_t, [c_void_p]),
    "hyper_headers_at": (c_int, [c_void_p, c_size_t, POINTER(c_void_p), POINTER(c_size_t),
                                 POINTER(c_void_p), POINTER(c_size_t)]),
    "hyper_conn_opts_init": (None, [POINTER(ConnOpts)]),
    "hyper_conn_open_detail": (c_void_p, [c_char_p, c_uint16, POINTER(ConnOpts),
                                          POINTER(c_int), c_char_p, c_size_t]),
    "hyper_conn_protocol": (c_char_p, [c_void_p]),
    "hyper_conn_last_error": (c_int, [c_void_p]),
    "hyper_conn_set_timeouts": (c_int, [c_void_p, c_int, c_int, c_int]),
    "hyper_request": (c_int32, [c_void_p, c_char_p, c_char_p, POINTER(HpackField),
                                c_size_t, c_char_p, c_size_t]),
    "hyper_request_start": (c_int, [c_void_p, c_char_p, c_char_p]),
    "hyper_request_header": (c_int, [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t]),
    "hyper_request_end_headers": (c_int32, [c_void_p, c_int]),
    "hyper_request_send": (c_int, [c_void_p, c_int32, c_char_p, c_size_t, c_int]),
    "hyper_get_response": (c_void_p, [c_void_p, c_int32]),
    "hyper_response_status": (c_int, [c_void_p]),
    "hyper_response_reason": (c_char_p, [c_void_p]),
    "hyper_response_id": (c_int32, [c_void_p]),
    "hyper_response_headers": (c_void_p, [c_void_p]),
    "hyper_response_trailers": (c_void_p, [c_void_p]),
    "hyper_response_set_decompress": (c_int, [c_void_p, c_int]),
    "hyper_response_read": (c_long, [c_void_p, c_void_p, c_size_t]),
    "hyper_response_read_chunk": (c_long, [c_void_p, POINTER(c_void_p)]),
    "hyper_response_free": (None, [c_void_p]),
    "hyper_conn_next_push": (c_int32, [c_void_p, c_int32]),
    "hyper_conn_push_request": (c_void_p, [c_void_p, c_int32]),
    "hyper_conn_push_cancel": (c_int, [c_void_p, c_int32]),
    "hyper_conn_ping": (c_int, [c_void_p, POINTER(c_uint64)]),
    "hyper_conn_close": (None, [c_void_p]),
    "hyper_conn_free": (None, [c_void_p]),
}


def _candidates():
    env = os.environ.get("HYPER_LIBRARY")
    if env:
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    local = os.path.join(here, "..", "..", "build", "libhyper.so")
    return [os.path.normpath(local), "libhyper.so"]


def abi_mismatches(lib):
    """Rows of the library's layout table our ctypes mirrors disagree with
    (an empty list when they all match)."""
    count = c_size_t()
    rows = lib.hyper_abi_members(ctypes.byref(count))
    bad, seen = [], set()
    for i in range(count.value):
        row = rows[i]
        tname = row.type.decode()
        mirror = MIRRORS.get(tname)
        if mirror is None:
            bad.append("%s: no ctypes mirror" % tname)
            continue
        if row.member is None:
            if ctypes.sizeof(mirror) != row.size:
                bad.append("sizeof %s: C %d, ctypes %d" % (tname, row.size,
                                                           ctypes.sizeof(mirror)))
            continue
        mname = row.member.decode()
        seen.add((tname, mname))
        desc = getattr(mirror, mname, None)
        if desc is None:
            bad.append("%s.%s: missing in ctypes" % (tname, mname))
        elif (desc.offset, desc.size) != (row.offset, row.size):
            bad.append("%s.%s: C offset %d size %d, ctypes offset %d size %d" % (
                tname, mname, row.offset, row.size, desc.offset, desc.size))
    for tname, mirror in MIRRORS.items():
        for fname, _ in mirror._fields_:
            if (tname, fname) not in seen:
                bad.append("%s.%s: not in the C library's table" % (tname, fname))
    return bad


def _load():
    errors = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            errors.append("%s: no such file" % path)
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            errors.append(str(e))
            continue
        for name, (restype, argtypes) in _SIGNATURES.items():
            fn = getattr(lib, name)
            fn.restype = restype
            fn.argtypes = argtypes
        bad = abi_mismatches(lib)
        if bad:
            raise ImportError("libhyper at %s does not match the Python bindings: %s"
                              % (path, "; ".join(bad)))
        lib.hyper_path = path
        return lib
    raise ImportError("cannot load libhyper.so (build it with `make`, or set "
                      "HYPER_LIBRARY): " + "; ".join(errors))


lib = _load()


def strerror(code):
    return lib.hyper_strerror(code).decode("utf-8", "replace")


def strerror_name(code):
    return lib.hyper_strerror_name(code).decode("ascii", "replace")


def headers_to_list(hmap):
    """Every field of a C header map, in order, as (name, value) bytes."""
    out = []
    if not hmap:
        return out
    n = lib.hyper_headers_count(hmap)
    name, value = c_void_p(), c_void_p()
    nlen, vlen = c_size_t(), c_size_t()
    for i in range(n):
        if lib.hyper_headers_at(hmap, i, ctypes.byref(name), ctypes.byref(nlen),
                                ctypes.byref(value), ctypes.byref(vlen)) != 0:
            break
        out.append((ctypes.string_at(name, nlen.value) if nlen.value else b"",
                    ctypes.string_at(value, vlen.value) if vlen.value else b""))
    return out
