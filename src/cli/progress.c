/*
 * progress.c — the -o download progress bar on standard error.
 *
 * Implementation notes:
 *  - Drawn only when standard error is a terminal (the caller decides), at
 *    most ten times a second, with "\r" so it stays on one line; the last
 *    draw ends with a newline.
 *  - The total is the content-length when the body is not being decoded
 *    (a decoded body's length is unknown in advance): then a bar, a
 *    percentage and an ETA; otherwise bytes and rate only.
 *  - cli_progress_format is pure, so the tests check the line itself.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "cli/cli.h"

#define BAR_WIDTH 24

void cli_format_size(char *out, size_t cap, double bytes)
{
    static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (bytes >= 1024 && u < 4) {
        bytes /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(out, cap, "%.0f B", bytes);
    else
        snprintf(out, cap, "%.1f %s", bytes, units[u]);
}

static void format_eta(char *out, size_t cap, double seconds)
{
    unsigned long s = (unsigned long)(seconds + 0.5);
    if (s >= 3600)
        snprintf(out, cap, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(out, cap, "%lu:%02lu", s / 60, s % 60);
}

size_t cli_progress_format(char *out, size_t cap, uint64_t done, int64_t total,
                           double elapsed)
{
    char sz[32], rate[32], eta[32];
    double r = elapsed > 0 ? (double)done / elapsed : 0;
    cli_format_size(sz, sizeof sz, (double)done);
    cli_format_size(rate, sizeof rate, r);
    int n;
    if (total > 0) {
        double frac = (double)done / (double)total;
        if (frac > 1)
            frac = 1;
        char bar[BAR_WIDTH + 1];
        int fill = (int)(frac * BAR_WIDTH);
        for (int i = 0; i < BAR_WIDTH; i++)
            bar[i] = i < fill ? '=' : (i == fill ? '>' : ' ');
        bar[BAR_WIDTH] = 0;
        if (r > 0 && (uint64_t)total > done)
            format_eta(eta, sizeof eta, (double)((uint64_t)total - done) / r);
        else
            snprintf(eta, sizeof eta, done >= (uint64_t)total ? "0:00" : "--:--");
        n = snprintf(out, cap, "[%s] %3d%%  %s  %s/s  ETA %s", bar, (int)(frac * 100), sz,
                     rate, eta);
    } else {
        n = snprintf(out, cap, "%s  %s/s", sz, rate);
    }
    if (n < 0) {
        out[0] = 0;
        return 0;
    }
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void draw(cli_progress *p, double t, int last)
{
    char line[160];
    cli_progress_format(line, sizeof line, p->done, p->total, t - p->start);
    /* "\033[K" clears what a longer earlier line left behind. */
    fprintf(stderr, "\r%s\033[K%s", line, last ? "\n" : "");
    fflush(stderr);
}

void cli_progress_start(cli_progress *p, int active, int64_t total)
{
    memset(p, 0, sizeof *p);
    p->active = active;
    p->total = total;
    if (active) {
        p->start = p->last = now_s();
        draw(p, p->start, 0);
    }
}

void cli_progress_add(cli_progress *p, size_t n)
{
    p->done += n;
    if (!p->active)
        return;
    double t = now_s();
    if (t - p->last >= 0.1) {
        p->last = t;
        draw(p, t, 0);
    }
}

void cli_progress_finish(cli_progress *p)
{
    if (p->active)
        draw(p, now_s(), 1);
    p->active = 0;
}
