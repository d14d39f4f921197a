/* benchsh: a SHELL for make that times every recipe line.
 *
 *   make report SHELL=build/release/bench/benchsh BENCH_LOG=/tmp/log.tsv ...
 *
 * Make runs each recipe line as `$(SHELL) -c 'LINE'`; a SHELL given on the
 * command line overrides the Makefile's `SHELL := /bin/bash`, so the study's
 * rules need no hook. benchsh runs the line with /bin/bash, waits for it with
 * wait4() (whose rusage covers the line's processes: user and system CPU, and
 * the peak resident set of the largest), and appends one record to the file
 * named by $BENCH_LOG:
 *
 *   label  wall_s  user_s  sys_s  maxrss_kb  status  command
 *
 * The label is the stage: the basename of the first word when it is a
 * program under a bin/ directory (build/release/bin/train -> train),
 * "figures" for a line that runs gnuplot, and nothing is logged for the rest (mkdir, touch,
 * echo). It exits with the line's status, so make sees what it would see. */
/* wait4() is BSD, not POSIX. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef BENCHSH_SHELL
#define BENCHSH_SHELL "/bin/bash"
#endif

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Whether cmd runs gnuplot as a command of its own (after a `trap ...;`
 * say), not as a word in an echo's quoted text. */
static int runs_gnuplot(const char *cmd)
{
    for (const char *at = strstr(cmd, "gnuplot"); at; at = strstr(at + 1, "gnuplot"))
        if ((at == cmd || strchr(" \t\n;&|", at[-1])) && (at[7] == ' ' || at[7] == '\0'))
            return 1;
    return 0;
}

/* The stage a command line runs, or NULL when it is not worth a record. */
static const char *label_of(const char *cmd, char *buf, size_t size)
{
    if (runs_gnuplot(cmd))
        return "figures";
    while (*cmd == ' ' || *cmd == '\t' || *cmd == '\n')
        cmd++;
    size_t len = strcspn(cmd, " \t\n;&|");
    if (len == 0 || len >= size)
        return NULL;
    memcpy(buf, cmd, len);
    buf[len] = '\0';
    const char *slash = strrchr(buf, '/');
    const char *base = slash ? slash + 1 : buf;
    if (strcmp(base, "gnuplot") == 0)
        return "figures";
    /* A stage program: ".../bin/NAME". */
    if (slash && slash - buf >= 3 && strncmp(slash - 3, "bin", 3) == 0 && (slash - buf == 3 || slash[-4] == '/'))
        return base;
    return NULL;
}

static void record(const char *log, const char *label, double wall, const struct rusage *ru, int status,
                   const char *cmd)
{
    int fd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0666);
    if (fd < 0)
        return;
    size_t clen = strlen(cmd), size = clen + 256;
    char *line = malloc(size);
    if (line) {
        int n = snprintf(line, size, "%s\t%.3f\t%.3f\t%.3f\t%ld\t%d\t", label, wall,
                         (double)ru->ru_utime.tv_sec + 1e-6 * (double)ru->ru_utime.tv_usec,
                         (double)ru->ru_stime.tv_sec + 1e-6 * (double)ru->ru_stime.tv_usec, ru->ru_maxrss, status);
        /* The command on one line: the record stays one TSV row. */
        for (size_t i = 0; i < clen && n >= 0 && (size_t)n < size - 2; i++)
            line[n++] = (cmd[i] == '\t' || cmd[i] == '\n') ? ' ' : cmd[i];
        line[n++] = '\n';
        /* One write with O_APPEND: records of parallel jobs (-j2) do not interleave. */
        ssize_t w = write(fd, line, (size_t)n);
        (void)w;
        free(line);
    }
    close(fd);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: benchsh [FLAGS...] -c COMMAND (a SHELL for make; records go to $BENCH_LOG)\n");
        return 2;
    }
    const char *cmd = argv[argc - 1];
    char **args = calloc((size_t)argc + 1, sizeof *args);
    if (!args)
        return 2;
    args[0] = (char *)"bash";
    for (int i = 1; i < argc; i++)
        args[i] = argv[i];
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("benchsh: fork");
        return 2;
    }
    if (pid == 0) {
        execv(BENCHSH_SHELL, args);
        perror("benchsh: " BENCHSH_SHELL);
        _exit(127);
    }
    /* Make's interrupt goes to the whole process group; the child handles it. */
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR) {
            perror("benchsh: wait4");
            return 2;
        }
    double wall = now() - t0;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    const char *log = getenv("BENCH_LOG");
    char buf[4096];
    const char *label = log && *log ? label_of(cmd, buf, sizeof buf) : NULL;
    if (label)
        record(log, label, wall, &ru, code, cmd);
    free(args);
    if (WIFSIGNALED(status)) {
        signal(WTERMSIG(status), SIG_DFL);
        raise(WTERMSIG(status));
    }
    return code;
}
