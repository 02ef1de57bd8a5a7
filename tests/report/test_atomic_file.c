/* test_atomic_file.c - unit tests of the atomic whole-file writer and reader (base/). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../base/atomic_file.h"

static char g_dir[PATH_MAX];

static int setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/hl-afile-XXXXXX");
    return mkdtemp(g_dir) ? chdir(g_dir) : -1;
}

static int teardown(void **state)
{
    char cmd[PATH_MAX + 16];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The number of entries of the working directory, but . and .. */
static int entries(void)
{
    DIR *d = opendir(".");
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static void test_write_and_mode(void **state)
{
    struct stat st;
    char *buf = NULL;
    size_t len = 0;
    (void)state;
    assert_int_equal(hl_file_write_atomic(AT_FDCWD, "out.txt", "hello\n", 6, 0666), 0);
    assert_int_equal(stat("out.txt", &st), 0);
    assert_int_equal(st.st_mode & 0777, 0666 & ~hl_file_umask());
    assert_int_equal(hl_file_read_all(AT_FDCWD, "out.txt", 1, 100, &buf, &len), 0);
    assert_int_equal(len, 6);
    assert_string_equal(buf, "hello\n");
    free(buf);
    assert_int_equal(hl_file_read_all(AT_FDCWD, "out.txt", 1, 5, &buf, &len), -1);
    assert_int_equal(errno, EFBIG);
    assert_int_equal(hl_file_write_atomic(AT_FDCWD, "private", "x", 1, 0600), 0);
    assert_int_equal(stat("private", &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(entries(), 2); /* no temporary file left */
}

static void test_symlink_replaced(void **state)
{
    struct stat st;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    hl_afile a;
    (void)state;
    f = fopen("victim", "w");
    fputs("precious", f);
    fclose(f);
    assert_int_equal(symlink("victim", "link"), 0);
    assert_int_equal(hl_afile_begin(&a, AT_FDCWD, "./link", 0666), 0);
    assert_non_null((f = hl_afile_stream(&a)));
    fputs("new", f);
    assert_int_equal(lstat("link", &st), 0);
    assert_true(S_ISLNK(st.st_mode)); /* nothing at the name before commit */
    assert_int_equal(hl_afile_commit(&a), 0);
    assert_int_equal(lstat("link", &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(hl_file_read_all(AT_FDCWD, "victim", 1, 100, &buf, &len), 0);
    assert_string_equal(buf, "precious");
    free(buf);
    /* The reader refuses a symlink when asked to. */
    assert_int_equal(symlink("victim", "link2"), 0);
    assert_int_equal(hl_file_read_all(AT_FDCWD, "link2", 1, 100, &buf, &len), -1);
    assert_int_equal(errno, ELOOP);
}

static void test_failures_leave_nothing(void **state)
{
    hl_afile a;
    char longname[NAME_MAX + 2];
    char *buf = NULL;
    size_t len = 0;
    (void)state;
    assert_int_equal(mkdir("adir", 0755), 0);
    assert_int_equal(hl_file_write_atomic(AT_FDCWD, "adir", "x", 1, 0666), -1);
    assert_int_equal(errno, EISDIR); /* the rename failed: the temporary is gone */
    assert_int_equal(hl_file_write_atomic(AT_FDCWD, "missing/out", "x", 1, 0666), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(hl_file_write_atomic(AT_FDCWD, "adir/", "x", 1, 0666), -1);
    assert_int_equal(errno, EISDIR);
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(hl_file_write_atomic(AT_FDCWD, longname, "x", 1, 0666), -1);
    assert_int_equal(errno, ENAMETOOLONG);
    /* A name of NAME_MAX characters works: the temporary's name is cut. */
    longname[NAME_MAX] = '\0';
    assert_int_equal(hl_file_write_atomic(AT_FDCWD, longname, "x", 1, 0666), 0);
    assert_int_equal(unlink(longname), 0);
    assert_int_equal(hl_afile_begin(&a, AT_FDCWD, "aborted", 0666), 0);
    hl_afile_abort(&a);
    hl_afile_abort(&a); /* twice is harmless */
    assert_int_equal(entries(), 1);
    assert_int_equal(mkfifo("fifo", 0600), 0);
    assert_int_equal(hl_file_read_all(AT_FDCWD, "fifo", 0, 100, &buf, &len), -1);
    assert_int_equal(errno, EINVAL); /* and it did not block */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_and_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlink_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failures_leave_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
