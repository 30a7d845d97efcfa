"""The link's token never appears in the server's request log (it travels in one path)."""

import logging
import threading
import urllib.error
import urllib.request

from werkzeug.serving import make_server

from cdop_scr.agency_links.redaction import RedactLinkTokens


def test_the_werkzeug_request_log_shows_the_link_path_without_its_token(
        app, case, report, send_link, caplog, monkeypatch):
    token = send_link(case, report)
    # Alembic's fileConfig (run to build the test database) disables loggers that existed.
    monkeypatch.setattr(logging.getLogger("werkzeug"), "disabled", False)
    caplog.set_level(logging.INFO, logger="werkzeug")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        opener = urllib.request.build_opener(NoRedirect)
        for path in (f"/agency-report/{token}", "/agency-report/not-a-real-token"):
            try:
                opener.open(f"http://127.0.0.1:{server.server_port}{path}", timeout=10)
            except urllib.error.HTTPError:
                pass  # 302 (not followed) or 404: either way the request was logged
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
    request_lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert sum("GET /agency-report/[redacted]" in line for line in request_lines) == 2
    assert token not in caplog.text and "not-a-real-token" not in caplog.text


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_the_redaction_filter_would_catch_a_token_in_any_log_message():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                               '%s - - [%s] "%s" %s %s',
                               ("127.0.0.1", "now", "GET /agency-report/abcDEF_-123 HTTP/1.1",
                                "302", "-"), None)
    assert RedactLinkTokens().filter(record)
    assert record.getMessage() == ('127.0.0.1 - - [now] "GET /agency-report/[redacted] '
                                   'HTTP/1.1" 302 -')
    sent = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "GET /agency-report/sent",
                             (), None)
    RedactLinkTokens().filter(sent)
    assert sent.getMessage() == "GET /agency-report/sent"
