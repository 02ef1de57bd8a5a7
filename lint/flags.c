/* flags.c - compile flags for each file: compile_commands.json (via libclang) or defaults. */
#include "lint_internal.h"

#include <clang-c/CXCompilationDatabase.h>
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct hl_flags {
    CXCompilationDatabase db; /* NULL: defaults only */
    pthread_mutex_t lock;     /* the database object is not documented as thread-safe */
    hl_strv extra;
    hl_strv listed; /* resolved paths of the files the database lists, sorted */
    /* The #include names of each listed file (same order), read on the first
     * hl_flags_hosts call; under lock. */
    hl_strv *includes;
    bool includes_read;
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files the database lists. libclang answers for unlisted files too
 * (commands inferred from a neighbour), which is right for flags but not
 * for deciding what a directory means. */
static int load_listed(hl_flags *f)
{
    CXCompileCommands all = clang_CompilationDatabase_getAllCompileCommands(f->db);
    unsigned n = all ? clang_CompileCommands_getSize(all) : 0;
    int rc = 0;
    for (unsigned i = 0; rc == 0 && i < n; i++) {
        CXCompileCommand c = clang_CompileCommands_getCommand(all, i);
        CXString dir = clang_CompileCommand_getDirectory(c);
        CXString file = clang_CompileCommand_getFilename(c);
        const char *d = clang_getCString(dir), *fn = clang_getCString(file);
        char p[PATH_MAX], abs[PATH_MAX];
        if (fn && fn[0] == '/')
            snprintf(p, sizeof p, "%s", fn);
        else
            snprintf(p, sizeof p, "%s/%s", d ? d : ".", fn ? fn : "");
        if (realpath(p, abs))
            rc = hl_strv_push(&f->listed, abs);
        clang_disposeString(dir);
        clang_disposeString(file);
    }
    if (all)
        clang_CompileCommands_dispose(all);
    if (f->listed.n)
        qsort(f->listed.v, f->listed.n, sizeof *f->listed.v, cmp_str);
    return rc;
}

static bool file_exists(const char *dir, const char *name)
{
    char p[PATH_MAX];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

hl_flags *hl_flags_open(const char *compdb_dir, const char *const *extra, size_t n_extra, char *err,
                        size_t errlen, bool *ok)
{
    hl_flags *f = calloc(1, sizeof *f);
    *ok = true;
    if (!f) {
        snprintf(err, errlen, "out of memory");
        *ok = false;
        return NULL;
    }
    pthread_mutex_init(&f->lock, NULL);
    for (size_t i = 0; i < n_extra; i++)
        if (hl_strv_push(&f->extra, extra[i]) < 0)
            goto oom;
    const char *dir = compdb_dir;
    if (!dir) {
        if (file_exists(".", "compile_commands.json"))
            dir = ".";
        else if (file_exists("build", "compile_commands.json"))
            dir = "build";
    } else if (!file_exists(dir, "compile_commands.json")) {
        snprintf(err, errlen,
                 "%s/compile_commands.json: no such file (-p wants the build "
                 "directory holding it)",
                 compdb_dir);
        *ok = false;
        hl_flags_free(f);
        return NULL;
    }
    if (dir) {
        CXCompilationDatabase_Error e = CXCompilationDatabase_NoError;
        f->db = clang_CompilationDatabase_fromDirectory(dir, &e);
        if (e != CXCompilationDatabase_NoError || !f->db) {
            snprintf(err, errlen,
                     "%s/compile_commands.json: cannot be read as a compilation "
                     "database (is it valid JSON?)",
                     dir);
            *ok = false;
            hl_flags_free(f);
            return NULL;
        }
        if (load_listed(f) < 0)
            goto oom;
    }
    return f;
oom:
    snprintf(err, errlen, "out of memory");
    *ok = false;
    hl_flags_free(f);
    return NULL;
}

/* Options whose value is a path, relative to the command's directory. */
static bool takes_path(const char *a, size_t *plen)
{
    static const char *const opts[] = {"-isystem", "-iquote",   "-idirafter", "-include",
                                       "-imacros", "--sysroot", "-isysroot",  "-I"};
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        size_t n = strlen(opts[i]);
        if (!strncmp(a, opts[i], n)) {
            *plen = n + (a[n] == '=');
            return true;
        }
    }
    return false;
}

/* Absolute form of a path relative to the compile command's directory. */
static char *rebase(const char *dir, const char *opt, size_t optlen, const char *val)
{
    size_t need = optlen + strlen(dir) + strlen(val) + 3;
    char *s = malloc(need);
    if (!s)
        return NULL;
    if (val[0] == '/' || !dir[0])
        snprintf(s, need, "%.*s%s", (int)optlen, opt, val);
    else
        snprintf(s, need, "%.*s%s/%s", (int)optlen, opt, dir, val);
    return s;
}

/* Copies a database command's arguments, dropping the compiler, the source,
 * -c and -o FILE, and making relative include paths absolute. */
static int from_command(CXCompileCommand cmd, const char *abs_path, hl_strv *args)
{
    CXString dirs = clang_CompileCommand_getDirectory(cmd);
    const char *dir = clang_getCString(dirs);
    unsigned n = clang_CompileCommand_getNumArgs(cmd);
    int rc = 0;
    const char *base = strrchr(abs_path, '/');
    base = base ? base + 1 : abs_path;
    for (unsigned i = 1; rc == 0 && i < n; i++) {
        CXString s = clang_CompileCommand_getArg(cmd, i);
        const char *a = clang_getCString(s);
        size_t ol;
        if (!strcmp(a, "--")) {
            /* only the source follows (libclang's commands inferred for
             * unlisted files end in "-- FILE") */
            clang_disposeString(s);
            break;
        } else if (!strcmp(a, "-x") && i + 1 < n) {
            /* A header parsed alone is C, not a precompiled header to write. */
            CXString v = clang_CompileCommand_getArg(cmd, ++i);
            const char *lang = clang_getCString(v);
            rc = hl_strv_push(args, "-x");
            if (rc == 0)
                rc = hl_strv_push(args, lang && !strcmp(lang, "c-header") ? "c" : lang);
            clang_disposeString(v);
        } else if (!strcmp(a, "-xc-header")) {
            rc = hl_strv_push(args, "-xc");
        } else if (!strcmp(a, "-c") || !strcmp(a, "-MD") || !strcmp(a, "-MMD") ||
                   !strcmp(a, "-MP")) {
            /* drop */
        } else if (!strcmp(a, "-o") || !strcmp(a, "-MF") || !strcmp(a, "-MT") ||
                   !strcmp(a, "-MQ")) {
            i++; /* drop with its value */
        } else if (!strncmp(a, "-o", 2) && a[2]) {
            /* -oFILE: drop */
        } else if (a[0] != '-' &&
                   (!strcmp(a, abs_path) || !strcmp(a, base) ||
                    (strlen(a) > strlen(base) && !strcmp(a + strlen(a) - strlen(base), base) &&
                     a[strlen(a) - strlen(base) - 1] == '/'))) {
            /* the source file itself */
        } else if (takes_path(a, &ol)) {
            if (a[ol] == '\0' && i + 1 < n) {
                CXString v = clang_CompileCommand_getArg(cmd, ++i);
                rc = hl_strv_push(args, a);
                if (rc == 0)
                    rc = hl_strv_push_own(args, rebase(dir, "", 0, clang_getCString(v)));
                clang_disposeString(v);
            } else {
                rc = hl_strv_push_own(args, rebase(dir, a, ol, a + ol));
            }
        } else {
            rc = hl_strv_push(args, a);
        }
        clang_disposeString(s);
    }
    clang_disposeString(dirs);
    return rc;
}

int hl_flags_for(hl_flags *f, const char *abs_path, hl_strv *args)
{
    int rc = 0;
    bool found = false;
    if (f->db) {
        pthread_mutex_lock(&f->lock);
        CXCompileCommands cmds = clang_CompilationDatabase_getCompileCommands(f->db, abs_path);
        if (cmds && clang_CompileCommands_getSize(cmds) > 0) {
            rc = from_command(clang_CompileCommands_getCommand(cmds, 0), abs_path, args);
            found = true;
        }
        if (cmds)
            clang_CompileCommands_dispose(cmds);
        pthread_mutex_unlock(&f->lock);
    }
    if (!found && rc == 0) {
        /* Defaults: plain C as the compiler would take it. Headers named
         * alone are parsed as C too. */
        rc = hl_strv_push(args, "-xc");
    }
    /* Errors only: warnings cost time and are not ours to report. */
    if (rc == 0)
        rc = hl_strv_push(args, "-w");
    for (size_t i = 0; rc == 0 && i < f->extra.n; i++)
        rc = hl_strv_push(args, f->extra.v[i]);
    return rc;
}

bool hl_flags_listed(hl_flags *f, const char *abs_path, bool *have_db)
{
    *have_db = f->db != NULL;
    if (!f->db || !f->listed.n)
        return false;
    return bsearch(&abs_path, f->listed.v, f->listed.n, sizeof *f->listed.v, cmp_str) != NULL;
}

/* ---- translation units that include a file ---- */

/* Appends the names in the file's #include lines ("name" and <name>) to out.
 * A textual scan: commented-out or conditional includes are found too, which
 * the caller's parse then rules out. Unreadable files have none. */
static int scan_includes(const char *path, hl_strv *out)
{
    FILE *fp = fopen(path, "rb");
    char line[4096];
    int rc = 0;
    if (!fp)
        return 0;
    while (rc == 0 && fgets(line, sizeof line, fp)) {
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p++ != '#')
            continue;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncmp(p, "include", 7) != 0)
            continue;
        p += 7;
        while (*p == ' ' || *p == '\t')
            p++;
        char close = *p == '"' ? '"' : *p == '<' ? '>' : '\0';
        if (!close)
            continue;
        const char *end = strchr(++p, close);
        if (!end || end == p)
            continue;
        char *name = strndup(p, (size_t)(end - p));
        rc = name ? hl_strv_push_own(out, name) : -1;
    }
    fclose(fp);
    return rc;
}

/* True when an #include of name can mean the file at abs: name is abs's last
 * path components ("ae_epoll.c", "sys/ae.h"), ignoring a leading "./". */
static bool include_names(const char *name, const char *abs)
{
    while (!strncmp(name, "./", 2))
        name += 2;
    size_t n = strlen(name), a = strlen(abs);
    return n > 0 && n < a && abs[a - n - 1] == '/' && !strcmp(abs + a - n, name);
}

static bool includes_any(const hl_strv *incs, const hl_strv *targets)
{
    for (size_t i = 0; i < incs->n; i++)
        for (size_t t = 0; t < targets->n; t++)
            if (include_names(incs->v[i], targets->v[t]))
                return true;
    return false;
}

static bool strv_has(const hl_strv *s, const char *str)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], str))
            return true;
    return false;
}

static size_t dir_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) : 0;
}

/* Length of the file name without its extension. */
static size_t stem_len(const char *path, const char **base)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    *base = b;
    return dot ? (size_t)(dot - b) : strlen(b);
}

/* How well host suits target: 0 same directory and name stem (lstring.c for
 * lstring.h), 1 same directory, 2 elsewhere. */
static int host_rank(const char *host, const char *target)
{
    size_t dl = dir_len(target);
    if (dir_len(host) != dl || strncmp(host, target, dl) != 0)
        return 2;
    const char *hb, *tb;
    size_t hs = stem_len(host, &hb), ts = stem_len(target, &tb);
    return hs == ts && !strncmp(hb, tb, hs) ? 0 : 1;
}

/* Files of dir (not already targets, not listed) whose #includes name a target. */
static int sibling_includers(hl_flags *f, const char *dir, const hl_strv *targets, hl_strv *out)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int rc = 0;
    if (!d)
        return 0;
    while (rc == 0 && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        char p[PATH_MAX + 512];
        if (e->d_name[0] == '.' || n < 3 || e->d_name[n - 2] != '.' ||
            (e->d_name[n - 1] != 'h' && e->d_name[n - 1] != 'c'))
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (strv_has(targets, p) || strv_has(out, p) ||
            bsearch(&(const char *){p}, f->listed.v, f->listed.n, sizeof *f->listed.v, cmp_str))
            continue;
        hl_strv incs = {0};
        rc = scan_includes(p, &incs);
        if (rc == 0 && includes_any(&incs, targets))
            rc = hl_strv_push(out, p);
        hl_strv_free(&incs);
    }
    closedir(d);
    return rc;
}

int hl_flags_hosts(hl_flags *f, const char *abs_path, size_t max, hl_strv *hosts)
{
    hl_strv targets = {0};
    int rc = 0;
    if (!f->db || !f->listed.n || max == 0)
        return 0;
    pthread_mutex_lock(&f->lock);
    if (!f->includes_read) {
        f->includes = calloc(f->listed.n, sizeof *f->includes);
        for (size_t i = 0; f->includes && rc == 0 && i < f->listed.n; i++)
            rc = scan_includes(f->listed.v[i], &f->includes[i]);
        f->includes_read = f->includes != NULL && rc == 0;
        if (!f->includes_read)
            rc = -1;
    }
    if (rc == 0)
        rc = hl_strv_push(&targets, abs_path);
    /* Direct includers first; else the files next to the target that include
     * it, and the translation units including those (three levels). */
    for (int depth = 0; rc == 0 && depth < 3 && hosts->n == 0 && targets.n > 0; depth++) {
        for (int want = 0; want <= 2 && rc == 0; want++)
            for (size_t i = 0; rc == 0 && i < f->listed.n && hosts->n < max; i++)
                if (strcmp(f->listed.v[i], abs_path) != 0 &&
                    host_rank(f->listed.v[i], abs_path) == want &&
                    includes_any(&f->includes[i], &targets))
                    rc = hl_strv_push(hosts, f->listed.v[i]);
        if (rc < 0 || hosts->n > 0)
            break;
        hl_strv more = {0};
        for (size_t t = 0; rc == 0 && t < targets.n; t++) {
            char dir[PATH_MAX];
            snprintf(dir, sizeof dir, "%.*s", (int)dir_len(targets.v[t]), targets.v[t]);
            rc = sibling_includers(f, dir, &targets, &more);
        }
        hl_strv_free(&targets);
        targets = more;
    }
    pthread_mutex_unlock(&f->lock);
    hl_strv_free(&targets);
    return rc;
}

void hl_flags_free(hl_flags *f)
{
    if (!f)
        return;
    if (f->db)
        clang_CompilationDatabase_dispose(f->db);
    hl_strv_free(&f->extra);
    if (f->includes)
        for (size_t i = 0; i < f->listed.n; i++)
            hl_strv_free(&f->includes[i]);
    free(f->includes);
    hl_strv_free(&f->listed);
    pthread_mutex_destroy(&f->lock);
    free(f);
}
