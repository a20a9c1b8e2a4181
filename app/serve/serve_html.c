/* The HTML of scrub serve's pages: escaping every text that came from a user or a record, the page frame, and
 * the style sheet (compiled into the binary; served at /static/scrub.css, the one stylesheet). */
#include "serve.h"

#include <stdio.h>
#include <string.h>

const char serve_css[] =
	":root{--ink:#1d2733;--muted:#5b6776;--line:#d9dee5;--bg:#f5f7fa;--card:#fff;--accent:#0b6bcb;"
	"--pass:#1a7f37;--fail:#c62828;--warn:#b26a00}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:var(--ink);"
	"background:var(--bg)}\n"
	"header.top{display:flex;align-items:center;gap:24px;padding:0 24px;height:52px;background:#15324f;color:#fff}\n"
	"header.top .brand{font-weight:700;font-size:18px;letter-spacing:.5px;color:#fff;text-decoration:none}\n"
	"header.top nav a{color:#cfe3f7;text-decoration:none;margin-right:16px}\n"
	"header.top nav a:hover{color:#fff}\n"
	"header.top .who{margin-left:auto;display:flex;align-items:center;gap:12px;color:#cfe3f7}\n"
	"header.top .who form{margin:0}\n"
	"header.top button{background:transparent;color:#fff;border:1px solid #6f8cab;border-radius:4px;padding:4px 10px;"
	"cursor:pointer}\n"
	"main{max-width:1180px;margin:24px auto;padding:0 24px}\n"
	"h1{font-size:24px;margin:0 0 16px}h2{font-size:18px;margin:28px 0 10px}\n"
	".card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin-bottom:20px}\n"
	"table{border-collapse:collapse;width:100%;background:var(--card)}\n"
	"th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}\n"
	"th{font-size:12px;text-transform:uppercase;letter-spacing:.4px;color:var(--muted);background:#eef2f6}\n"
	"tr:hover td{background:#f8fbff}\n"
	"td.date{white-space:nowrap;font-variant-numeric:tabular-nums}\n"
	"a.open{display:inline-block;padding:2px 10px;border:1px solid var(--accent);border-radius:4px;text-decoration:none;"
	"font-size:13px}\na.open:hover{background:var(--accent);color:#fff}\n"
	"td a{text-decoration:none}td a:hover{text-decoration:underline}\n"
	"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	"a{color:var(--accent)}\n"
	".badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600}\n"
	".pass{background:#e3f4e8;color:var(--pass)}.fail{background:#fde8e8;color:var(--fail)}"
	".incomplete{background:#fff3dc;color:var(--warn)}\n"
	"form.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-end}\n"
	"form.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:3px}\n"
	"input,select,textarea{font:inherit;padding:5px 8px;border:1px solid #b8c2cc;border-radius:4px;background:#fff}\n"
	"button{font:inherit;padding:6px 14px;border-radius:4px;border:1px solid var(--accent);background:var(--accent);"
	"color:#fff;cursor:pointer}\n"
	".pager{display:flex;gap:12px;align-items:center;margin-top:12px;color:var(--muted)}\n"
	".login{max-width:360px;margin:80px auto;background:#fff;border:1px solid var(--line);border-radius:8px;"
	"padding:28px}\n"
	".login form{display:flex;flex-direction:column;gap:12px}.login label{display:flex;flex-direction:column;gap:4px}\n"
	".error{color:var(--fail);font-weight:600}\n"
	".muted{color:var(--muted)}\n"
	".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:20px}\n"
	".card h2{margin-top:0}\n"
	"svg.plot{width:100%;height:auto;background:#fff}\n"
	"svg.plot text{font:11px system-ui,'DejaVu Sans',sans-serif;fill:#4a5663}\n"
	"svg.plot .title{font-size:13px;font-weight:600;fill:var(--ink)}\n"
	".stats{display:flex;gap:28px;flex-wrap:wrap}.stats div{display:flex;flex-direction:column}"
	".stats b{font-size:22px}.stats span{font-size:12px;color:var(--muted)}\n";

void html_escape(scrub_buf *b, const char *s)
{
	if (!s)
		return;
	const char *run = s;
	for (; *s; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: break;
		}
		if (rep) {
			scrub_buf_append(b, run, (size_t)(s - run));
			scrub_buf_puts(b, rep);
			run = s + 1;
		}
	}
	scrub_buf_append(b, run, (size_t)(s - run));
}

void html_escape_attr(scrub_buf *b, const char *s)
{
	html_escape(b, s);   /* quotes included: safe inside a double-quoted attribute */
}

void url_escape(scrub_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			scrub_buf_append(b, (const char *)&c, 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			scrub_buf_append(b, e, 3);
		}
	}
}

void html_csrf_field(scrub_buf *b, serve_req *r)
{
	scrub_buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", r->csrf ? r->csrf : "");
}

static const char *role_name(store_role role)
{
	return role == STORE_ROLE_ADMIN ? "admin" : role == STORE_ROLE_INSTRUCTOR ? "instructor" : "trainee";
}

void html_begin(scrub_buf *b, serve_req *r, const char *title)
{
	scrub_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	html_escape(b, title);
	scrub_buf_puts(b, " - Scrub</title>\n<link rel=\"stylesheet\" href=\"/static/scrub.css\">\n<link rel=\"icon\" href=\"data:,\">\n</head>\n<body>\n"
	                  "<header class=\"top\"><a class=\"brand\" href=\"/sessions\">Scrub</a>");
	if (r->have_user) {
		scrub_buf_puts(b, "<nav><a href=\"/sessions\">Sessions</a>");
		if (r->user.role == STORE_ROLE_TRAINEE) {
			scrub_buf_puts(b, "<a href=\"/trainees/");
			url_escape(b, r->user.name);
			scrub_buf_puts(b, "\">My progress</a>");
		}
		scrub_buf_puts(b, "</nav><div class=\"who\"><span>");
		html_escape(b, r->user.name);
		scrub_buf_printf(b, " (%s)</span><form method=\"post\" action=\"/logout\">", role_name(r->user.role));
		html_csrf_field(b, r);
		scrub_buf_puts(b, "<button type=\"submit\">Sign out</button></form></div>");
	}
	scrub_buf_puts(b, "</header>\n<main>\n");
}

void html_end(scrub_buf *b)
{
	scrub_buf_puts(b, "</main>\n</body>\n</html>\n");
}

void html_fmt_duration(char *buf, size_t size, double s)
{
	if (s < 0)
		s = 0;
	long t = (long)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

void html_date(scrub_buf *b, const char *iso)
{
	if (iso && strlen(iso) >= 16 && iso[10] == 'T') {
		char d[17];
		memcpy(d, iso, 16);
		d[10] = ' ';
		d[16] = 0;
		html_escape(b, d);
	} else {
		html_escape(b, iso);
	}
}
