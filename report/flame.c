/* flame.c - builds the frame tree of a profile and writes it as an interactive SVG. */
#include "flame.h"
#include "../base/units.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "folded.h"
#include "../base/grow.h"

struct line_value {
    int64_t line, value;
};

struct node {
    char *name;
    const char *file; /* the function's source file (borrowed from the profile) */
    int64_t cum, self;
    struct line_value *lines; /* value by source line of this frame */
    size_t n_lines, cap_lines;
    int mark;           /* index of the first mark it carries, or -1 */
    int64_t mark_value; /* value at the marked lines */
    int more_marks[7];  /* further distinct marks it carries */
    int n_more_marks;
    struct node **kids;
    size_t n_kids, cap_kids;
    struct node *next_free; /* node_free's work list */
};

/* An explicit stack of nodes for the tree walks: a stack of 100,000 frames is
 * a tree that deep, too deep for recursion on the C stack. */
struct walk {
    struct walk_item {
        struct node *n;
        int64_t x;
        size_t depth;
    } * v;
    size_t n, cap;
};

static int walk_push(struct walk *w, struct node *n, int64_t x, size_t depth)
{
    if (HL_GROW(w->v, w->n, w->cap) < 0)
        return -1;
    w->v[w->n++] = (struct walk_item){n, x, depth};
    return 0;
}

/* Frees the tree without recursion and without memory of its own: the nodes
 * still to free form a list threaded through their next_free fields. */
static void node_free(struct node *n)
{
    if (n)
        n->next_free = NULL;
    while (n) {
        struct node *next = n->next_free;
        for (size_t i = 0; i < n->n_kids; i++) {
            n->kids[i]->next_free = next;
            next = n->kids[i];
        }
        free(n->kids);
        free(n->lines);
        free(n->name);
        free(n);
        n = next;
    }
}

static struct node *child(struct node *n, const char *name, const char *file)
{
    struct node *c;
    for (size_t i = 0; i < n->n_kids; i++)
        if (!strcmp(n->kids[i]->name, name))
            return n->kids[i];
    if (HL_GROW(n->kids, n->n_kids, n->cap_kids) < 0)
        return NULL;
    if (!(c = calloc(1, sizeof *c)) || !(c->name = strdup(name))) {
        free(c);
        return NULL;
    }
    c->file = file;
    c->mark = -1;
    n->kids[n->n_kids++] = c;
    return c;
}

static int add_line(struct node *n, int64_t line, int64_t v)
{
    for (size_t i = 0; i < n->n_lines; i++)
        if (n->lines[i].line == line) {
            n->lines[i].value += v;
            return 0;
        }
    if (HL_GROW(n->lines, n->n_lines, n->cap_lines) < 0)
        return -1;
    n->lines[n->n_lines].line = line;
    n->lines[n->n_lines++].value = v;
    return 0;
}

/* Path suffix match on '/' boundaries ("src/a.c" matches "/home/x/src/a.c"). */
static int path_suffix_match(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    const char *lng = la >= lb ? a : b, *shrt = la >= lb ? b : a;
    size_t ll = la >= lb ? la : lb, ls = la >= lb ? lb : la;
    while (shrt[0] == '.' && shrt[1] == '/')
        shrt += 2, ls -= 2;
    if (ls == 0 || strcmp(lng + ll - ls, shrt))
        return 0;
    return ll == ls || lng[ll - ls - 1] == '/' || shrt[0] == '/';
}

static int find_mark_from(const hl_flame_options *o, size_t from, const char *fn, const char *file,
                          int64_t line)
{
    for (size_t i = from; i < o->n_marks; i++) {
        const hl_flame_mark *m = &o->marks[i];
        if (!m->function || strcmp(m->function, fn))
            continue;
        if (line <= 0 || line < (int64_t)m->first_line || line > (int64_t)m->last_line)
            continue;
        if (m->file && m->file[0] && file && file[0] && !path_suffix_match(m->file, file))
            continue;
        return (int)i;
    }
    return -1;
}

static int find_mark(const hl_flame_options *o, const char *fn, const char *file, int64_t line)
{
    return find_mark_from(o, 0, fn, file, line);
}

/* Records every mark matching this frame's line, starting at the first match m. */
static void add_marks(struct node *n, const hl_flame_options *o, const char *fn, const char *file,
                      int64_t line, int m, int64_t v)
{
    n->mark_value += v;
    for (size_t i = (size_t)m; i < o->n_marks; i++) {
        int known = 0;
        if (i != (size_t)m && find_mark_from(o, i, fn, file, line) != (int)i)
            continue;
        if (n->mark < 0) {
            n->mark = (int)i;
            continue;
        }
        known = n->mark == (int)i;
        for (int k = 0; k < n->n_more_marks && !known; k++)
            known = n->more_marks[k] == (int)i;
        if (!known && n->n_more_marks < (int)(sizeof n->more_marks / sizeof n->more_marks[0]))
            n->more_marks[n->n_more_marks++] = (int)i;
    }
}

static int add_sample(struct node *root, const hl_prof_sample *s, int64_t v,
                      const hl_flame_options *o)
{
    struct node *cur = root;
    char name[1024];
    root->cum += v;
    for (size_t i = s->n_locs; i-- > 0;) {
        const hl_prof_location *loc = s->locs[i];
        size_t nl = loc->n_lines ? loc->n_lines : 1;
        for (size_t j = nl; j-- > 0;) {
            const hl_prof_line *ln = j < loc->n_lines ? &loc->lines[j] : NULL;
            const char *file = ln && ln->function ? ln->function->filename : NULL;
            int64_t line = ln ? ln->line : 0;
            int m;
            hl_frame_name(loc, j, name, sizeof name);
            if (!(cur = child(cur, name, file)))
                return -1;
            cur->cum += v;
            if (add_line(cur, line, v) < 0)
                return -1;
            if (o->n_marks && (m = find_mark(o, name, file, line)) >= 0)
                add_marks(cur, o, name, file, line, m, v);
        }
    }
    cur->self += v;
    return 0;
}

static int kid_cmp(const void *a, const void *b)
{
    return strcmp((*(struct node *const *)a)->name, (*(struct node *const *)b)->name);
}

/* Sorts every node's kids by name and finds the tree's depth, iteratively.
 * Returns 0, or -1 on ENOMEM. */
static int sort_tree(struct node *root, size_t *max_depth)
{
    struct walk w = {0};
    int rc = walk_push(&w, root, 0, 0);
    while (rc == 0 && w.n) {
        struct walk_item it = w.v[--w.n];
        if (it.depth > *max_depth)
            *max_depth = it.depth;
        if (it.n->n_kids > 1)
            qsort(it.n->kids, it.n->n_kids, sizeof *it.n->kids, kid_cmp);
        for (size_t i = 0; i < it.n->n_kids && rc == 0; i++)
            rc = walk_push(&w, it.n->kids[i], 0, it.depth + 1);
    }
    free(w.v);
    return rc;
}

static void xml_escape(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&apos;", out);
            break;
        default:
            if ((unsigned char)*s < 0x20)
                fputc(' ', out);
            else
                fputc(*s, out);
        }
    }
}

static void fmt_value(int64_t v, int64_t total, const char *unit, char *out, size_t outlen)
{
    char amount[32];
    snprintf(out, outlen, "%s (%.2f%%)", hl_units_format(v, unit, amount, sizeof amount),
             total ? 100.0 * (double)v / (double)total : 0.0);
}

static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void frame_fill(const struct node *n, char *out, size_t outlen)
{
    uint32_t h = name_hash(n->name);
    if (n->mark >= 0) {
        snprintf(out, outlen, "rgb(%u,%u,%u)", 40 + (h % 30), 110 + ((h >> 8) % 40),
                 210 + ((h >> 16) % 40));
        return;
    }
    snprintf(out, outlen, "rgb(%u,%u,%u)", 205 + (h % 50), (h >> 8) % 200, (h >> 16) % 55);
}

struct layout {
    FILE *out;
    const hl_flame_options *o;
    const hl_profile *p;
    int64_t total;
    const char *unit;
    double width, pad, frame_h, base_y; /* base_y: the top of the root frame */
    double min_w;
    size_t emitted;
};

/* The labels of every mark a frame carries, escaped, joined by " | ". */
static void write_marks(struct layout *L, const struct node *n)
{
    const char *first = L->o->marks[n->mark].label;
    xml_escape(L->out, first ? first : "confirmed finding");
    for (int k = 0; k < n->n_more_marks; k++) {
        const char *l = L->o->marks[n->more_marks[k]].label;
        fputs(" | ", L->out);
        xml_escape(L->out, l ? l : "confirmed finding");
    }
}

/* Writes one frame; false when it is too narrow to draw (its kids are too). */
static bool emit_frame(struct layout *L, const struct node *n, int64_t x, size_t depth)
{
    double fx = (double)x / (double)L->total, fw = (double)n->cum / (double)L->total;
    double usable = L->width - 2 * L->pad;
    double px = L->pad + fx * usable, pw = fw * usable, y = L->base_y - (double)depth * L->frame_h;
    char fill[32], self[64], cum[64], where[4200], label[1100];
    int64_t best_line = 0, best = -1;
    size_t maxc;

    if (pw < L->min_w)
        return false;
    for (size_t i = 0; i < n->n_lines; i++)
        if (n->lines[i].value > best)
            best = n->lines[i].value, best_line = n->lines[i].line;
    frame_fill(n, fill, sizeof fill);
    fmt_value(n->self, L->total, L->unit, self, sizeof self);
    fmt_value(n->cum, L->total, L->unit, cum, sizeof cum);
    where[0] = '\0';
    if (n->file && n->file[0]) {
        if (best_line > 0)
            snprintf(where, sizeof where, "%s:%" PRId64, n->file, best_line);
        else
            snprintf(where, sizeof where, "%s", n->file);
    }
    fprintf(L->out, "<g class=\"f%s\" data-x=\"%.9f\" data-w=\"%.9f\" data-d=\"%zu\" data-n=\"",
            n->mark >= 0 ? " m" : "", fx, fw, depth);
    xml_escape(L->out, n->name);
    fprintf(L->out, "\" data-f=\"");
    xml_escape(L->out, where);
    fprintf(L->out, "\" data-s=\"%s\" data-c=\"%s\" data-fill=\"%s\"", self, cum, fill);
    if (n->mark >= 0) {
        fprintf(L->out, " data-r=\"");
        write_marks(L, n);
        fputc('"', L->out);
    }
    fputs("><title>", L->out);
    xml_escape(L->out, n->name);
    if (where[0]) {
        fputs(" (", L->out);
        xml_escape(L->out, where);
        fputc(')', L->out);
    }
    fprintf(L->out, " flat %s, cum %s", self, cum);
    if (n->mark >= 0) {
        fputs(" - confirmed: ", L->out);
        write_marks(L, n);
    }
    fprintf(L->out,
            "</title><rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"%s\" "
            "rx=\"2\" ry=\"2\"/><text x=\"%.2f\" y=\"%.1f\">",
            px, y, pw, L->frame_h - 1, fill, px + 3, y + L->frame_h - 5);
    maxc = pw > 6 ? (size_t)((pw - 6) / 7) : 0;
    if (maxc >= 3) {
        size_t len = strlen(n->name);
        if (len <= maxc) {
            xml_escape(L->out, n->name);
        } else {
            snprintf(label, sizeof label, "%.*s..", (int)(maxc - 2), n->name);
            xml_escape(L->out, label);
        }
    }
    fputs("</text></g>\n", L->out);
    L->emitted++;
    return true;
}

/* Writes the frames of the tree depth-first, parents before kids and kids in
 * order, as the recursion did, with an explicit stack. Returns 0, or -1 on
 * ENOMEM. */
static int emit(struct layout *L, struct node *root)
{
    struct walk w = {0};
    int rc = walk_push(&w, root, 0, 0);
    while (rc == 0 && w.n) {
        struct walk_item it = w.v[--w.n];
        if (!emit_frame(L, it.n, it.x, it.depth))
            continue;
        int64_t cx = it.x; /* kids pushed last first: popped in order */
        for (size_t i = 0; i < it.n->n_kids; i++)
            cx += it.n->kids[i]->cum;
        for (size_t i = it.n->n_kids; i-- > 0 && rc == 0;) {
            cx -= it.n->kids[i]->cum;
            rc = walk_push(&w, it.n->kids[i], cx, it.depth + 1);
        }
    }
    free(w.v);
    return rc;
}

static const char flame_css[] =
    "text{font-family:Verdana,'DejaVu Sans',sans-serif;font-size:12px;fill:#000}"
    "g.f text{pointer-events:none}g.f rect{stroke:#fff;stroke-width:0.5}"
    "g.f:hover rect{stroke:#000;stroke-width:1}g.f{cursor:pointer}"
    "g.anc rect{opacity:0.6}#title{font-size:17px;font-weight:bold}"
    "#reset{cursor:pointer;opacity:0.4}#tip{pointer-events:none}"
    "#tipbg{fill:#ffffe0;stroke:#555;stroke-width:1}";

static const char flame_js[] =
    "(function(){\n"
    "var NS='http://www.w3.org/2000/svg',SEARCH='rgb(230,0,230)';\n"
    "var "
    "svg=document.documentElement,W=+svg.getAttribute('data-width'),PAD=+svg.getAttribute('data-"
    "pad');\n"
    "var frames=[].slice.call(document.querySelectorAll('g.f'));\n"
    "var "
    "tip=document.getElementById('tip'),tipbg=document.getElementById('tipbg'),tiptext=document."
    "getElementById('tiptext');\n"
    "var details=document.getElementById('details'),matched=document.getElementById('matched');\n"
    "var input=document.getElementById('search'),resetb=document.getElementById('reset');\n"
    "function num(g,a){return parseFloat(g.getAttribute(a));}\n"
    "function label(g,w){var "
    "n=g.getAttribute('data-n'),t=g.querySelector('text'),max=Math.floor((w-6)/7);\n"
    " t.textContent=max<3?'':(n.length<=max?n:n.substring(0,max-2)+'..');}\n"
    "function place(g,x,w){var "
    "r=g.querySelector('rect'),t=g.querySelector('text'),u=W-2*PAD,px=PAD+x*u,pw=w*u;\n"
    " r.setAttribute('x',px.toFixed(2));r.setAttribute('width',Math.max(pw,0).toFixed(2));\n"
    " t.setAttribute('x',(px+3).toFixed(2));label(g,pw);g.style.display='';}\n"
    "function zoom(z){var x0=num(z,'data-x'),w0=num(z,'data-w'),d0=num(z,'data-d'),e=1e-9;\n"
    " frames.forEach(function(g){var x=num(g,'data-x'),w=num(g,'data-w'),d=num(g,'data-d');\n"
    "  if(d<d0){if(x<=x0+e&&x+w>=x0+w0-e){place(g,0,1);g.classList.add('anc');}else "
    "g.style.display='none';}\n"
    "  else if(x>=x0-e&&x+w<=x0+w0+e){g.classList.remove('anc');place(g,(x-x0)/w0,w/w0);}\n"
    "  else g.style.display='none';});\n"
    " resetb.style.opacity=1;svg.setAttribute('data-zoomed',z.getAttribute('data-n'));}\n"
    "function "
    "reset(){frames.forEach(function(g){g.classList.remove('anc');place(g,num(g,'data-x'),num(g,'"
    "data-w'));});\n"
    " resetb.style.opacity=0.4;svg.removeAttribute('data-zoomed');if(input.value){input.value='';"
    "search('');}}\n"
    "function search(term){var re=null,cov=[];\n"
    " if(term){try{re=new RegExp(term);}catch(e){re=null;}}\n"
    " frames.forEach(function(g){var n=g.getAttribute('data-n'),r=g.querySelector('rect');\n"
    "  var hit=!!term&&(re?re.test(n):n.indexOf(term)>=0);\n"
    "  r.setAttribute('fill',hit?SEARCH:g.getAttribute('data-fill'));\n"
    "  "
    "if(hit){g.classList.add('hit');cov.push([num(g,'data-x'),num(g,'data-x')+num(g,'data-w')]);}"
    "else g.classList.remove('hit');});\n"
    " cov.sort(function(a,b){return a[0]-b[0];});var tot=0,end=-1;\n"
    " cov.forEach(function(c){if(c[0]>=end){tot+=c[1]-c[0];end=c[1];}else "
    "if(c[1]>end){tot+=c[1]-end;end=c[1];}});\n"
    " matched.textContent=term?('Matched: '+(100*tot).toFixed(1)+'%'):'';\n"
    " if(term)svg.setAttribute('data-matches',String(cov.length));else "
    "svg.removeAttribute('data-matches');}\n"
    "function info(g){var "
    "l=[g.getAttribute('data-n')],f=g.getAttribute('data-f'),r=g.getAttribute('data-r');\n"
    " if(f)l.push(f);l.push('flat '+g.getAttribute('data-s')+'   cum '+g.getAttribute('data-c'));\n"
    " if(r)r.split(' | ').forEach(function(x){l.push('confirmed: '+x);});return l;}\n"
    "function showTip(g,ev){var "
    "lines=info(g),w=0;while(tiptext.firstChild)tiptext.removeChild(tiptext.firstChild);\n"
    " lines.forEach(function(s,i){var "
    "t=document.createElementNS(NS,'tspan');t.setAttribute('x',8);\n"
    "  "
    "t.setAttribute('dy',i?'1.35em':'1.2em');t.textContent=s;tiptext.appendChild(t);w=Math.max(w,s."
    "length);});\n"
    " var "
    "bw=w*7+16,bh=lines.length*16.2+10,x=ev.clientX+14,y=ev.clientY+18,H=+svg.getAttribute('height'"
    ");\n"
    " if(x+bw>W)x=Math.max(2,W-bw-2);if(y+bh>H)y=Math.max(2,ev.clientY-bh-8);\n"
    " tipbg.setAttribute('width',bw);tipbg.setAttribute('height',bh);\n"
    " tip.setAttribute('transform','translate('+x+','+y+')');tip.style.display='';\n"
    " details.textContent=lines.join('  |  ');}\n"
    "svg.addEventListener('mousemove',function(ev){var "
    "g=ev.target.closest&&ev.target.closest('g.f');\n"
    " if(g)showTip(g,ev);else{tip.style.display='none';details.textContent=' ';}});\n"
    "svg.addEventListener('mouseleave',function(){tip.style.display='none';});\n"
    "svg.addEventListener('click',function(ev){var g=ev.target.closest&&ev.target.closest('g.f');\n"
    " if(g)zoom(g);else if(ev.target.closest&&ev.target.closest('#reset'))reset();});\n"
    "input.addEventListener('input',function(){search(input.value);});\n"
    "document.addEventListener('keydown',function(ev){if((ev.ctrlKey||ev.metaKey)&&ev.key==='f'){"
    "ev.preventDefault();input.focus();}\n"
    " else if(ev.key==='Escape')reset();});\n"
    "function fromHash(){var h=decodeURIComponent((location.hash||'').slice(1));\n"
    " h.split('&').forEach(function(kv){var i=kv.indexOf('='),k=kv.slice(0,i),v=kv.slice(i+1);\n"
    "  if(k==='search'){input.value=v;search(v);}\n"
    "  if(k==='zoom'){for(var "
    "j=0;j<frames.length;j++)if(frames[j].getAttribute('data-n')===v){zoom(frames[j]);break;}}});}"
    "\n"
    "fromHash();svg.setAttribute('data-ready','1');\n"
    "})();\n";

/* The SVG's start: size, style, title and subtitle, the zoom button, the
 * search box and the status lines. */
static void write_header(struct layout *Lp, const struct node *root, const char *type,
                         char *total_s, double height)
{
    struct layout L = *Lp;
    FILE *out = L.out;
    const hl_flame_options *o = L.o;
    fprintf(out,
            "<?xml version=\"1.0\" standalone=\"no\"?>\n"
            "<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
            "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" data-width=\"%.0f\" data-pad=\"%.0f\" "
            "data-total=\"%" PRId64 "\">\n<style>%s</style>\n"
            "<rect x=\"0\" y=\"0\" width=\"100%%\" height=\"100%%\" fill=\"#f8f8f8\"/>\n"
            "<text id=\"title\" x=\"%.0f\" y=\"24\" text-anchor=\"middle\">",
            L.width, height, L.width, height, L.width, L.pad, root->cum, flame_css, L.width / 2);
    xml_escape(out, o->title ? o->title : "Flame graph");
    fprintf(out, "</text>\n<text id=\"subtitle\" x=\"%.0f\" y=\"42\" text-anchor=\"middle\">",
            L.width / 2);
    if (o->subtitle)
        xml_escape(out, o->subtitle);
    else {
        char *paren = strstr(total_s, " (");
        if (paren) /* the share of the total is 100% */
            *paren = '\0';
        xml_escape(out, type);
        fprintf(out, ", total %s", total_s);
    }
    fputs("</text>\n", out);
    fprintf(out,
            "<g id=\"reset\"><rect x=\"%.0f\" y=\"8\" width=\"86\" height=\"22\" rx=\"3\" "
            "fill=\"#ddd\"/><text x=\"%.0f\" y=\"23\">Reset zoom</text></g>\n",
            L.pad, L.pad + 8);
    fprintf(
        out,
        "<foreignObject x=\"%.0f\" y=\"6\" width=\"230\" height=\"28\"><input "
        "xmlns=\"http://www.w3.org/1999/xhtml\" id=\"search\" type=\"search\" "
        "placeholder=\"Search (regex)\" "
        "style=\"width:220px;font:12px Verdana,sans-serif;padding:2px 4px\"/></foreignObject>\n",
        L.width - L.pad - 230);
    fprintf(out, "<text id=\"matched\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\"></text>\n",
            L.width - L.pad, height - 12);
    fprintf(out, "<text id=\"details\" x=\"%.0f\" y=\"%.0f\"> </text>\n", L.pad, height - 12);
}

int hl_flame_write_svg(FILE *out, const hl_profile *p, const hl_flame_options *o, char *err,
                       size_t errlen)
{
    struct node *root;
    struct layout L;
    size_t max_depth = 0, n_marked = 0;
    double height;
    char total_s[64];
    const char *type, *unit;
    int rc = -1;

    if (o->sample_index >= p->n_sample_types) {
        snprintf(err, errlen, "sample index %zu out of range (the profile has %zu sample types)",
                 o->sample_index, p->n_sample_types);
        return -1;
    }
    if (!(root = calloc(1, sizeof *root)) || !(root->name = strdup("all"))) {
        free(root);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    root->mark = -1;
    for (size_t i = 0; i < p->n_samples; i++) {
        int64_t v = p->samples[i].values[o->sample_index];
        if (v <= 0 || p->samples[i].n_locs == 0)
            continue;
        if (add_sample(root, &p->samples[i], v, o) < 0) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
    }
    if (root->cum == 0) {
        size_t at = (size_t)snprintf(err, errlen,
                                     "the profile has no samples with a value for '%s' (try "
                                     "--sample-index with one of:",
                                     p->sample_types[o->sample_index].type);
        for (size_t i = 0; i < p->n_sample_types && at < errlen; i++)
            at += (size_t)snprintf(err + at, errlen - at, " %s", p->sample_types[i].type);
        if (at < errlen)
            snprintf(err + at, errlen - at, ")");
        goto out;
    }
    if (sort_tree(root, &max_depth) < 0) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    type = p->sample_types[o->sample_index].type ? p->sample_types[o->sample_index].type : "";
    unit = p->sample_types[o->sample_index].unit ? p->sample_types[o->sample_index].unit : "";
    memset(&L, 0, sizeof L);
    L.out = out;
    L.o = o;
    L.p = p;
    L.total = root->cum;
    L.unit = unit;
    L.width = o->width > 0 ? o->width : 1200;
    L.pad = 10;
    L.frame_h = 16;
    L.min_w = o->min_width > 0 ? o->min_width : 0.1;
    height = 60 + (double)(max_depth + 1) * L.frame_h + 40;
    L.base_y = height - 40 - L.frame_h;
    fmt_value(root->cum, root->cum, unit, total_s, sizeof total_s);

    write_header(&L, root, type, total_s, height);
    fputs("<g id=\"frames\">\n", out);
    if (emit(&L, root) < 0) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    fputs("</g>\n", out);
    for (size_t i = 0; i < o->n_marks; i++)
        n_marked += o->marks[i].label != NULL;
    if (o->n_marks)
        fprintf(out,
                "<g id=\"legend\"><rect x=\"%.0f\" y=\"38\" width=\"12\" height=\"12\" "
                "fill=\"rgb(50,125,225)\"/><text x=\"%.0f\" y=\"49\">confirmed finding "
                "(%zu)</text></g>\n",
                L.pad, L.pad + 16, n_marked);
    fputs("<g id=\"tip\" style=\"display:none\"><rect id=\"tipbg\" rx=\"3\" ry=\"3\"/><text "
          "id=\"tiptext\"></text></g>\n<script type=\"text/ecmascript\"><![CDATA[\n",
          out);
    fputs(flame_js, out);
    fputs("]]></script>\n</svg>\n", out);
    if (fflush(out) != 0 || ferror(out)) {
        snprintf(err, errlen, "write error");
        goto out;
    }
    rc = 0;
out:
    node_free(root);
    return rc;
}
