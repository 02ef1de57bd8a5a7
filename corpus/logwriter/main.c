/* logwriter - an access-log writer: formats records to a log stream and
 * mirrors a status character per request to a console. Benchmark driver: main(). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct request {
    unsigned id;
    int status;
    const char *path;
};

static const char *const paths[] = {"/", "/login", "/api/items", "/static/logo.png"};

/* Console progress: one character per request on an unbuffered stream. */
__attribute__((noinline)) static void mark_progress(FILE *console, const struct request *rq,
                                                    size_t n)
{
    for (size_t i = 0; i < n; i++)
        fputc(rq[i].status < 400 ? '.' : 'E', console);
}

/* One log record per request, flushed so a crash loses nothing. */
__attribute__((noinline)) static void write_log(FILE *log, const struct request *rq, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fputs(rq[i].path, log);
        fputs(rq[i].status < 400 ? " ok\n" : " failed\n", log);
        fflush(log);
    }
}

/* Shutdown: a closing marker per open stream; runs once. */
__attribute__((noinline)) static void close_streams(const int *fds, int n)
{
    for (int i = 0; i < n; i++)
        if (write(fds[i], "\n", 1) < 0)
            perror("write");
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    FILE *log = fopen("/dev/null", "w");
    FILE *console = fopen("/dev/null", "w");
    if (!log || !console)
        return 1;
    setvbuf(console, NULL, _IONBF, 0);
    struct request batch[64];
    for (size_t done = 0; done < n; done += 64) {
        for (unsigned i = 0; i < 64; i++)
            batch[i] = (struct request){(unsigned)(done + i), (done + i) % 17 ? 200 : 500,
                                        paths[(done + i) % 4]};
        mark_progress(console, batch, 64);
        write_log(log, batch, 64);
    }
    int fds[2] = {fileno(log), fileno(console)};
    int n_fds = argc > 2 ? 1 : 2;
    close_streams(fds, n_fds);
    fclose(log);
    fclose(console);
    printf("logwriter: %zu requests\n", n);
    return 0;
}
