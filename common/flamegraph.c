// SPDX-License-Identifier: GPL-2.0
/*
 * Interactive flame graphs written directly as one self-contained SVG: frames sized by their
 * samples, the root at the bottom; a click zooms into a frame, the Search button (or Ctrl-F, /)
 * highlights frames matching a regular expression and sums their share, hovering shows a frame's
 * numbers. Nothing outside the file is needed to view it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "flamegraph.h"

#define FRAME_H 16
#define TOP_H 44	/* title and subtitle */
#define BOTTOM_H 28	/* details line */
#define PAD 10
#define CHAR_W 7.2	/* 12px Verdana, average advance */
#define MIN_W 0.1	/* frames narrower than this (pixels) are left out */
#define NAME_BUCKETS 4096

struct fgnode {
	const char *name;
	uint64_t count;
	uint32_t child, sibling;	/* 0: none (index 0 is the root, never a child) */
	uint8_t kind;
};

struct name_ent {
	struct name_ent *next;
	char s[];
};

struct flamegraph {
	struct fgnode *nodes;
	size_t n, cap;
	struct name_ent *names[NAME_BUCKETS];
};

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static const char *intern(struct flamegraph *fg, const char *s)
{
	uint32_t b = fnv1a(s) % NAME_BUCKETS;
	struct name_ent *e;
	size_t len;

	for (e = fg->names[b]; e; e = e->next)
		if (!strcmp(e->s, s))
			return e->s;
	len = strlen(s);
	e = malloc(sizeof(*e) + len + 1);
	if (!e)
		return NULL;
	memcpy(e->s, s, len + 1);
	e->next = fg->names[b];
	fg->names[b] = e;
	return e->s;
}

static int new_node(struct flamegraph *fg, const char *name, uint8_t kind, uint32_t *idx)
{
	if (fg->n == fg->cap) {
		size_t ncap = fg->cap ? fg->cap * 2 : 1024;
		struct fgnode *nn = realloc(fg->nodes, ncap * sizeof(*nn));

		if (!nn)
			return -ENOMEM;
		fg->nodes = nn;
		fg->cap = ncap;
	}
	fg->nodes[fg->n] = (struct fgnode){ .name = name, .kind = kind };
	*idx = (uint32_t)fg->n++;
	return 0;
}

struct flamegraph *flamegraph__new(void)
{
	struct flamegraph *fg = calloc(1, sizeof(*fg));
	uint32_t root;

	if (!fg)
		return NULL;
	if (new_node(fg, "all", FG_OTHER, &root)) {
		free(fg);
		return NULL;
	}
	return fg;
}

void flamegraph__free(struct flamegraph *fg)
{
	if (!fg)
		return;
	for (int b = 0; b < NAME_BUCKETS; b++) {
		for (struct name_ent *e = fg->names[b], *n; e; e = n) {
			n = e->next;
			free(e);
		}
	}
	free(fg->nodes);
	free(fg);
}

int flamegraph__add(struct flamegraph *fg, const char *const *names, const uint8_t *kinds, int n,
		    uint64_t count)
{
	uint32_t cur = 0;

	fg->nodes[0].count += count;
	for (int i = 0; i < n; i++) {
		const char *name = intern(fg, names[i]);
		uint32_t c;

		if (!name)
			return -ENOMEM;
		/* interned: the same name is the same pointer */
		for (c = fg->nodes[cur].child; c; c = fg->nodes[c].sibling)
			if (fg->nodes[c].name == name && fg->nodes[c].kind == kinds[i])
				break;
		if (!c) {
			if (new_node(fg, name, kinds[i], &c))
				return -ENOMEM;
			fg->nodes[c].sibling = fg->nodes[cur].child;
			fg->nodes[cur].child = c;
		}
		fg->nodes[c].count += count;
		cur = c;
	}
	return 0;
}

/* XML text: markup characters escaped, control bytes and invalid UTF-8 replaced by '?'. */
static void xml_text(FILE *f, const char *s, size_t max_chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0;

	while (*p && chars < max_chars) {
		unsigned int c = *p, len = 1;

		if (c < 0x80) {
			switch (c) {
			case '&': fputs("&amp;", f); break;
			case '<': fputs("&lt;", f); break;
			case '>': fputs("&gt;", f); break;
			case '"': fputs("&quot;", f); break;
			case '\'': fputs("&apos;", f); break;
			default: fputc(c < 0x20 || c == 0x7f ? '?' : (int)c, f);
			}
		} else {
			unsigned int need = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
			unsigned int i;

			if (c > 0xf4)
				need = 0;
			for (i = 1; need && i < need; i++)
				if ((p[i] & 0xc0) != 0x80)
					break;
			if (need && i == need) {
				fwrite(p, 1, need, f);
				len = need;
			} else {
				fputc('?', f);
			}
		}
		p += len;
		chars++;
	}
}

static size_t utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void color(const struct fgnode *nd, char *buf, size_t size)
{
	uint32_t h = fnv1a(nd->name);
	unsigned int a = h & 0xff, b = (h >> 8) & 0xff, c = (h >> 16) & 0xff;

	switch (nd->kind) {
	case FG_USER:	/* warm: red to yellow */
		snprintf(buf, size, "rgb(%u,%u,%u)", 205 + a * 50 / 255, 70 + b * 140 / 255,
			 30 + c * 40 / 255);
		break;
	case FG_KERNEL:	/* cool: blues */
		snprintf(buf, size, "rgb(%u,%u,%u)", 80 + a * 60 / 255, 150 + b * 60 / 255,
			 210 + c * 45 / 255);
		break;
	case FG_COMM:	/* greens */
		snprintf(buf, size, "rgb(%u,%u,%u)", 110 + a * 40 / 255, 190 + b * 40 / 255,
			 100 + c * 40 / 255);
		break;
	default:
		snprintf(buf, size, "rgb(%u,%u,%u)", 170 + a * 20 / 255, 170 + a * 20 / 255,
			 170 + a * 20 / 255);
	}
}

static int cmp_child(const void *a, const void *b)
{
	const struct fgnode *x = *(const struct fgnode *const *)a,
			    *y = *(const struct fgnode *const *)b;
	int r = strcmp(x->name, y->name);

	return r ? r : (int)x->kind - (int)y->kind;
}

struct layout {
	const struct flamegraph *fg;
	FILE *f;
	double scale;		/* pixels per sample */
	int height;
	uint64_t total;
	const char *unit;
};

static int max_depth(const struct flamegraph *fg, uint32_t idx, int d)
{
	int m = d;

	for (uint32_t c = fg->nodes[idx].child; c; c = fg->nodes[c].sibling) {
		int cd = max_depth(fg, c, d + 1);

		if (cd > m)
			m = cd;
	}
	return m;
}

static int emit(const struct layout *l, uint32_t idx, uint64_t start, int depth)
{
	const struct fgnode *nd = &l->fg->nodes[idx];
	const struct fgnode **kids;
	double x = PAD + (double)start * l->scale, w = (double)nd->count * l->scale;
	int y = l->height - BOTTOM_H - (depth + 1) * FRAME_H, nkids = 0, err = 0;
	size_t maxc;
	char fill[32];

	if (w < MIN_W)
		return 0;
	color(nd, fill, sizeof(fill));
	fprintf(l->f, "<g data-s=\"%" PRIu64 "\" data-n=\"%" PRIu64 "\" data-d=\"%d\"><title>",
		start, nd->count, depth);
	xml_text(l->f, nd->name, SIZE_MAX);
	fprintf(l->f, " (%" PRIu64 " %s, %.2f%%)</title><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
		"height=\"%d\" fill=\"%s\" rx=\"2\" ry=\"2\"/><text x=\"%.1f\" y=\"%.1f\">",
		nd->count, l->unit, 100.0 * (double)nd->count / (double)l->total, x, y, w,
		FRAME_H - 1, fill, x + 3, y + 11.5);
	/* the script relabels after zooming; this is the label at full width */
	maxc = w > 6 ? (size_t)((w - 6) / CHAR_W) : 0;
	if (maxc >= 3 && utf8_len(nd->name) <= maxc) {
		xml_text(l->f, nd->name, SIZE_MAX);
	} else if (maxc >= 3) {
		xml_text(l->f, nd->name, maxc - 2);
		fputs("..", l->f);
	}
	fputs("</text></g>\n", l->f);

	for (uint32_t c = nd->child; c; c = l->fg->nodes[c].sibling)
		nkids++;
	if (!nkids)
		return 0;
	kids = malloc((size_t)nkids * sizeof(*kids));
	if (!kids)
		return -ENOMEM;
	nkids = 0;
	for (uint32_t c = nd->child; c; c = l->fg->nodes[c].sibling)
		kids[nkids++] = &l->fg->nodes[c];
	/* alphabetical, so that equal paths of different runs line up */
	qsort(kids, (size_t)nkids, sizeof(*kids), cmp_child);
	for (int i = 0; i < nkids && !err; i++) {
		err = emit(l, (uint32_t)(kids[i] - l->fg->nodes), start, depth + 1);
		start += kids[i]->count;
	}
	free(kids);
	return err;
}

/* The viewer: zoom, search, details. Written for this file; plain DOM, no libraries. */
static const char script[] =
"\"use strict\";\n"
"(function () {\n"
"var svg = document.documentElement;\n"
"var frames = document.getElementById(\"frames\");\n"
"var details = document.getElementById(\"details\");\n"
"var matchedEl = document.getElementById(\"matched\");\n"
"var unzoomEl = document.getElementById(\"unzoom\");\n"
"var searchEl = document.getElementById(\"search\");\n"
"var W = +svg.getAttribute(\"width\"), PAD = 10, CH = 7.2;\n"
"var total = +frames.getAttribute(\"data-total\");\n"
"var unit = frames.getAttribute(\"data-unit\");\n"
"var gs = frames.getElementsByTagName(\"g\"), nodes = [], zoomed = null, re = null;\n"
"for (var i = 0; i < gs.length; i++) {\n"
"  var g = gs[i], t = g.getElementsByTagName(\"title\")[0].textContent;\n"
"  var nd = { g: g, s: +g.getAttribute(\"data-s\"), n: +g.getAttribute(\"data-n\"),\n"
"    d: +g.getAttribute(\"data-d\"), name: t.slice(0, t.lastIndexOf(\" (\")),\n"
"    rect: g.getElementsByTagName(\"rect\")[0], text: g.getElementsByTagName(\"text\")[0] };\n"
"  nd.fill = nd.rect.getAttribute(\"fill\");\n"
"  g.fgNode = nd;\n"
"  nodes.push(nd);\n"
"}\n"
"function label(nd, w) {\n"
"  var max = Math.floor((w - 6) / CH), s = nd.name;\n"
"  if (max < 3) s = \"\"; else if (s.length > max) s = s.slice(0, max - 2) + \"..\";\n"
"  nd.text.textContent = s;\n"
"}\n"
"function place(nd, x, w) {\n"
"  nd.rect.setAttribute(\"x\", x.toFixed(1));\n"
"  nd.rect.setAttribute(\"width\", w.toFixed(1));\n"
"  nd.text.setAttribute(\"x\", (x + 3).toFixed(1));\n"
"  label(nd, w);\n"
"}\n"
"function show(nd, on, faded) {\n"
"  nd.g.style.display = on ? \"\" : \"none\";\n"
"  nd.g.style.opacity = faded ? \"0.5\" : \"\";\n"
"}\n"
"function zoom(z) {\n"
"  var scale = (W - 2 * PAD) / z.n;\n"
"  zoomed = z;\n"
"  unzoomEl.style.display = \"\";\n"
"  nodes.forEach(function (m) {\n"
"    if (m.d >= z.d && m.s >= z.s && m.s + m.n <= z.s + z.n) {\n"
"      show(m, true, false);\n"
"      place(m, PAD + (m.s - z.s) * scale, m.n * scale);\n"
"    } else if (m.d < z.d && m.s <= z.s && m.s + m.n >= z.s + z.n) {\n"
"      show(m, true, true);\n"
"      place(m, PAD, W - 2 * PAD);\n"
"    } else {\n"
"      show(m, false, false);\n"
"    }\n"
"  });\n"
"  if (re) search(re);\n"
"}\n"
"function unzoom() {\n"
"  var scale = (W - 2 * PAD) / total;\n"
"  zoomed = null;\n"
"  unzoomEl.style.display = \"none\";\n"
"  nodes.forEach(function (m) {\n"
"    show(m, true, false);\n"
"    place(m, PAD + m.s * scale, m.n * scale);\n"
"  });\n"
"  if (re) search(re);\n"
"}\n"
"function search(r) {\n"
"  var hits = [], sum = 0, end = -1, base = zoomed ? zoomed.n : total;\n"
"  re = r;\n"
"  nodes.forEach(function (m) {\n"
"    var hit = r && r.test(m.name);\n"
"    m.rect.setAttribute(\"fill\", hit ? \"rgb(230,0,230)\" : m.fill);\n"
"    if (hit && m.g.style.display !== \"none\") hits.push(m);\n"
"  });\n"
"  if (!r) { matchedEl.textContent = \"\"; searchEl.textContent = \"Search\"; return; }\n"
"  /* nested matches count once: merge the sample ranges */\n"
"  hits.sort(function (a, b) { return a.s - b.s || b.n - a.n; });\n"
"  hits.forEach(function (m) {\n"
"    var s = zoomed ? Math.max(m.s, zoomed.s) : m.s;\n"
"    var e = zoomed ? Math.min(m.s + m.n, zoomed.s + zoomed.n) : m.s + m.n;\n"
"    if (e <= end) return;\n"
"    sum += e - Math.max(s, end);\n"
"    end = e;\n"
"  });\n"
"  matchedEl.textContent = \"Matched: \" + (100 * sum / base).toFixed(1) + \"%\";\n"
"  searchEl.textContent = \"Reset Search\";\n"
"}\n"
"function ask() {\n"
"  if (re) { search(null); return; }\n"
"  var term = window.prompt(\"Search frames (regular expression):\", \"\");\n"
"  if (!term) return;\n"
"  try { search(new RegExp(term)); } catch (e) { window.alert(\"Bad expression: \" + e.message); }\n"
"}\n"
"function nodeOf(el) {\n"
"  while (el && el !== frames && !el.fgNode) el = el.parentNode;\n"
"  return el && el.fgNode;\n"
"}\n"
"frames.addEventListener(\"click\", function (e) {\n"
"  var nd = nodeOf(e.target);\n"
"  if (nd) { if (nd.d === 0) unzoom(); else zoom(nd); }\n"
"});\n"
"frames.addEventListener(\"mouseover\", function (e) {\n"
"  var nd = nodeOf(e.target);\n"
"  if (nd) details.textContent = nd.name + \" (\" + nd.n + \" \" + unit + \", \" +\n"
"    (100 * nd.n / total).toFixed(2) + \"%)\";\n"
"});\n"
"frames.addEventListener(\"mouseout\", function () { details.textContent = \" \"; });\n"
"unzoomEl.addEventListener(\"click\", unzoom);\n"
"searchEl.addEventListener(\"click\", ask);\n"
"window.addEventListener(\"keydown\", function (e) {\n"
"  if ((e.ctrlKey && e.key === \"f\") || e.key === \"/\") { e.preventDefault(); ask(); }\n"
"  else if (e.key === \"Escape\") { search(null); unzoom(); }\n"
"});\n"
"})();\n";

int flamegraph__write(const struct flamegraph *fg, FILE *f, const struct flamegraph_opts *o)
{
	int width = o && o->width > 0 ? o->width : 1200;
	const char *unit = o && o->unit ? o->unit : "samples";
	struct layout l = { .fg = fg, .f = f, .unit = unit };
	int depth = max_depth(fg, 0, 0), err;

	errno = 0;
	l.total = fg->nodes[0].count;
	l.height = TOP_H + (depth + 1) * FRAME_H + BOTTOM_H;
	l.scale = l.total ? (double)(width - 2 * PAD) / (double)l.total : 0;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		"<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\">\n", width, l.height, width, l.height);
	fputs("<style>\n"
	      "text { font-family: Verdana, sans-serif; font-size: 12px; fill: #000; }\n"
	      "#frames text { pointer-events: none; }\n"
	      "#frames g:hover rect { stroke: #000; stroke-width: 0.5; cursor: pointer; }\n"
	      ".ui { cursor: pointer; fill: #333; }\n"
	      "</style>\n"
	      "<defs><linearGradient id=\"bg\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"1\">"
	      "<stop offset=\"5%\" stop-color=\"#f4f4f4\"/><stop offset=\"95%\" "
	      "stop-color=\"#e8e8d8\"/></linearGradient></defs>\n", f);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"url(#bg)\"/>\n", width,
		l.height);
	fprintf(f, "<text x=\"%d\" y=\"20\" text-anchor=\"middle\" style=\"font-size:17px\">",
		width / 2);
	xml_text(f, o && o->title ? o->title : "Flame Graph", SIZE_MAX);
	fputs("</text>\n", f);
	if (o && o->subtitle) {
		fprintf(f, "<text x=\"%d\" y=\"36\" text-anchor=\"middle\" fill=\"#555\">",
			width / 2);
		xml_text(f, o->subtitle, SIZE_MAX);
		fputs("</text>\n", f);
	}
	fprintf(f, "<text id=\"unzoom\" class=\"ui\" x=\"%d\" y=\"20\" style=\"display:none\">"
		"Reset Zoom</text>\n", PAD);
	fprintf(f, "<text id=\"search\" class=\"ui\" x=\"%d\" y=\"20\" text-anchor=\"end\">"
		"Search</text>\n", width - PAD);
	fprintf(f, "<text id=\"details\" x=\"%d\" y=\"%d\"> </text>\n", PAD, l.height - 10);
	fprintf(f, "<text id=\"matched\" x=\"%d\" y=\"%d\" text-anchor=\"end\"></text>\n",
		width - PAD, l.height - 10);
	fprintf(f, "<g id=\"frames\" data-total=\"%" PRIu64 "\" data-unit=\"", l.total);
	xml_text(f, unit, SIZE_MAX);
	fputs("\">\n", f);
	err = l.total ? emit(&l, 0, 0, 0) : 0;
	fprintf(f, "</g>\n<script><![CDATA[\n%s]]></script>\n</svg>\n", script);
	if (err)
		return err;
	/* errno is the failed write's (e.g. ENOSPC), whether it failed here or in the middle */
	if (fflush(f) || ferror(f))
		return errno > 0 ? -errno : -EIO;
	return 0;
}

int flamegraph_file__check(const char *path)
{
	size_t n = strlen(path);
	struct stat st;

	/* a directory would only be found out at the rename, after the whole run */
	if (!n || path[n - 1] == '/' || (!stat(path, &st) && S_ISDIR(st.st_mode)))
		return -EISDIR;
	return 0;
}

int flamegraph_file__open(struct flamegraph_file *ff, const char *path)
{
	mode_t mask = umask(0);
	int fd, n, err;

	umask(mask);
	ff->f = NULL;
	ff->path = path;
	n = snprintf(ff->tmp, sizeof(ff->tmp), "%s.XXXXXX", path);
	if (n < 0 || n >= (int)sizeof(ff->tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(ff->tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ff->f = fdopen(fd, "w");
	if (!ff->f) {
		err = -errno;
		close(fd);
		unlink(ff->tmp);
		return err;
	}
	fchmod(fd, 0666 & ~mask);
	return 0;
}

int flamegraph_file__close(struct flamegraph_file *ff, bool keep)
{
	int err = 0;

	if (!ff->f)
		return 0;
	if (fclose(ff->f))
		err = -errno;
	ff->f = NULL;
	if (keep && !err && rename(ff->tmp, ff->path))
		err = -errno;
	if (!keep || err)
		unlink(ff->tmp);
	return err;
}
