"""
The HTTPie transport plugin: `http --verify CA https://localhost:PORT/get`
(Debian's /usr/bin/http, unchanged) goes over hyper when the package is
installed, and the server sees HTTP/2. "Installed" is done two ways: a
hand-made .dist-info folder on PYTHONPATH (what an installer writes: the
entry point in group httpie.plugins.transport.v1), and the offline install
documented in python/README.md (a venv with --system-site-packages and
pip install --no-index --no-build-isolation -e python/).
"""
import json
import os
import shutil
import subprocess
import sys

import pytest

import conftest
import peers

HTTP = shutil.which("http") or "/usr/bin/http"
DIST = "hyper_c-0.1.0.dist-info"


def run_http(server, tmp_path, pythonpath, argv0=None):
    env = {k: v for k, v in os.environ.items()
           if k not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "PYTHONPATH")}
    env["HTTPIE_CONFIG_DIR"] = str(tmp_path / "httpie")
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(pythonpath)
    if conftest.PRELOAD:
        env["LD_PRELOAD"] = conftest.PRELOAD   # a sanitizer build of libhyper
    cmd = (argv0 or [HTTP]) + ["--ignore-stdin", "--print=hb", "--verify", server.ca,
                               "https://localhost:%d/get" % server.tls]
    p = subprocess.run(cmd, env=env, capture_output=True, timeout=60, text=True)
    assert p.returncode == 0, p.stderr
    head, _, body = p.stdout.partition("\n\n")
    return head, json.loads(body[body.index("{"):])


@pytest.fixture
def dist_info(tmp_path):
    d = tmp_path / "site" / DIST
    d.mkdir(parents=True)
    (d / "METADATA").write_text("Metadata-Version: 2.1\nName: hyper-c\nVersion: 0.1.0\n")
    (d / "entry_points.txt").write_text(
        "[httpie.plugins.transport.v1]\n"
        "hyper_http2 = hyper.contrib.httpie:HyperTransportPlugin\n")
    return str(tmp_path / "site")


@pytest.mark.skipif(not os.path.exists(HTTP), reason="httpie not installed")
def test_http_command_goes_over_h2_with_the_plugin(server, tmp_path, dist_info):
    head, body = run_http(server, tmp_path, [dist_info, os.path.join(peers.ROOT, "python")])
    assert head.startswith("HTTP/2.0 200 OK")
    assert body["protocol"] == "h2" and body["headers"][":method"] == "GET"
    assert body["headers"]["user-agent"].startswith("HTTPie/")


@pytest.mark.skipif(not os.path.exists(HTTP), reason="httpie not installed")
def test_without_the_plugin_httpie_speaks_http11(server, tmp_path):
    # The control: the same command without the plugin is HTTP/1.1, so the
    # test above really tells the two apart.
    head, body = run_http(server, tmp_path, None)
    assert head.startswith("HTTP/1.1 200 OK") and body["protocol"] == "http/1.1"


@pytest.mark.skipif(not os.path.exists(HTTP), reason="httpie not installed")
def test_documented_offline_install_in_a_venv(server, tmp_path):
    venv = tmp_path / "venv"
    r = subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                       capture_output=True, timeout=120)
    if r.returncode != 0:
        pytest.skip("python3-venv not available: %s" % r.stderr[-200:])
    pip = subprocess.run([str(venv / "bin" / "pip"), "install", "--no-index",
                          "--no-build-isolation", "-e", os.path.join(peers.ROOT, "python")],
                         capture_output=True, timeout=180, text=True)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    head, body = run_http(server, tmp_path, None, [str(venv / "bin" / "python"), "-m", "httpie"])
    assert head.startswith("HTTP/2.0 200 OK") and body["protocol"] == "h2"
