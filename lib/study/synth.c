#include "study/synth.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "core/outfile.h"

/* ------------------------------------------------------------ schema ---- */

/* The real export, byte for byte: these strings are the data contract that
 * params.yaml's schema section binds to roles. */
static const char *const file_names[4] = {"market_file.csv", "market_money.csv", "market_time.csv",
                                          "money.csv"};
static const char *const headers[4] = {
    "id,Покупательская активность,Тип сервиса,Разрешить сообщать,Маркет_актив_6_мес,"
    "Маркет_актив_тек_мес,Длительность,Акционные_покупки,Популярная_категория,"
    "Средний_просмотр_категорий_за_визит,Неоплаченные_продукты_штук_квартал,Ошибка_сервиса,"
    "Страниц_за_визит\r\n",
    "id,Период,Выручка\r\n",
    "id,Период,минут\r\n",
    "id;Прибыль\r\n",
};
enum { F_MARKET, F_MONEY, F_TIME, F_PROFIT };

static const char TARGET_YES[] = "Снизилась";
static const char TARGET_NO[] = "Прежний уровень";
static const char SERVICE_PREMIUM[] = "премиум";
static const char SERVICE_STANDARD[] = "стандарт";
static const char SERVICE_TYPO[] = "стандартт";

/* Categories with their real frequencies (of 1300) and a risk offset that
 * reproduces the real spread of decline rates (0.16 … 0.48) by category. */
#define N_CAT 6
static const char *const cat_names[N_CAT] = {
    "Товары для детей",        "Домашний текстиль", "Косметика и аксесуары", "Техника для красоты и здоровья",
    "Мелкая бытовая техника и электроника", "Кухонная посуда",
};
static const unsigned cat_freq[N_CAT] = {330, 251, 223, 184, 174, 138};
static const double cat_risk[N_CAT] = {0.15, 0.05, 0.20, -0.35, -1.10, 0.25};

/* Periods; the real files list a customer's periods in varying order, and a
 * merge must not rely on it, so the order is drawn with the real frequencies. */
static const char *const money_period[3] = {"препредыдущий_месяц", "предыдущий_месяц", "текущий_месяц"};
static const unsigned char money_order[6][3] = {{2, 0, 1}, {0, 1, 2}, {1, 2, 0}, {1, 0, 2}, {2, 1, 0}, {0, 2, 1}};
static const unsigned money_order_freq[6] = {314, 298, 288, 145, 132, 123};
static const char *const time_period[2] = {"предыдцщий_месяц", "текущий_месяц"};

/* ------------------------------------------------------------- model ---- */

/* Share of «стандарт» rows spelled «стандартт»: 10 of 924 in the real data,
 * about 0.8% of all rows. */
#define TYPO_RATE (10.0 / 924.0)
#define INACTIVE_RATE 0.0025
/* The real entry error is 106862.2, twenty times a plausible 5343.11. */
#define OUTLIER_FACTOR 20
/* Risk threshold for ~38% «Снизилась» with the default noise (tuned at n=1e6). */
#define RISK_THRESHOLD 0.55

struct customer {
    int premium, typo, consent, inactive, outlier, declined;
    int m6;      /* marketing contacts per month, tenths */
    int m_cur;   /* contacts this month */
    int days;    /* since registration */
    int promo;   /* promo share, hundredths */
    int cat;     /* index into cat_names */
    int viewed;  /* categories per visit */
    int unpaid;  /* unpaid items per quarter */
    int errors;  /* service errors */
    int pages;   /* pages per visit */
    int minutes[2];  /* previous, current month */
    long revenue[3]; /* tenths, in money_period order */
    int profit;      /* hundredths */
    int money_order, time_first_current;
};

/* A normal draw restricted to [lo, hi] by rejection, so the real ranges hold
 * without piling values on the bounds. The cap on tries only matters for
 * absurd parameters; the clamp keeps the result in range regardless. */
static double tnorm(gsl_rng *r, double mu, double sd, double lo, double hi)
{
    for (int i = 0; i < 1000; i++) {
        double x = mu + gsl_ran_gaussian_ziggurat(r, sd);
        if (x >= lo && x <= hi)
            return x;
    }
    return mu < lo ? lo : mu > hi ? hi : mu;
}

static unsigned pick(gsl_rng *r, const unsigned *freq, unsigned k)
{
    unsigned total = 0;
    for (unsigned i = 0; i < k; i++)
        total += freq[i];
    unsigned long u = gsl_rng_uniform_int(r, total);
    for (unsigned i = 0; i < k; i++) {
        if (u < freq[i])
            return i;
        u -= freq[i];
    }
    return k - 1;
}

/* The planted relation. Every term is a feature the files contain, scaled by
 * the real mean and standard deviation, so the model that wins in the study is
 * the one that recovers these weights; the signs follow the business story
 * (disengaged, promo-driven, frustrated customers buy less). */
static double risk_score(const struct customer *c)
{
    double minutes = 0.5 * (c->minutes[0] + c->minutes[1]);
    return 0.40 * (c->unpaid - 2.84) / 1.97
         + 0.55 * (c->promo / 100.0 - 0.32) / 0.25
         - 0.60 * (c->pages - 8.18) / 3.98
         - 0.55 * (minutes - 13.3) / 3.5
         - 0.40 * (c->viewed - 3.27) / 1.36
         + 0.15 * (c->errors - 4.19) / 1.96
         - 0.40 * (c->m6 / 10.0 - 4.25) / 1.01
         + cat_risk[c->cat]
         + 0.35 * c->premium;
}

/* One customer. `e` is a latent engagement shared by the behaviour features,
 * which gives them the mild mutual correlations (|r| 0.2-0.3) of the real data. */
static void customer_draw(gsl_rng *r, int inactive, int outlier, double noise, struct customer *c)
{
    memset(c, 0, sizeof *c);
    c->inactive = inactive;
    c->outlier = outlier;
    double e = gsl_ran_gaussian_ziggurat(r, 1.0);

    c->premium = gsl_rng_uniform(r) < 376.0 / 1300.0;
    c->typo = !c->premium && gsl_rng_uniform(r) < TYPO_RATE;
    c->consent = gsl_rng_uniform(r) < 962.0 / 1300.0;
    c->m6 = (int)lround(10.0 * tnorm(r, 4.25 + 0.40 * e, 0.92, 0.9, 6.6));
    static const unsigned m_cur_freq[3] = {308, 669, 323};
    c->m_cur = 3 + (int)pick(r, m_cur_freq, 3);
    c->days = (int)lround(tnorm(r, 602.0, 340.0, 110.0, 1079.0));

    /* Promo share is bimodal in the real data: most customers 0.11-0.40, a
     * promo-hunting 13% at 0.89-0.99, and a few in between. */
    double hunt = 1.0 / (1.0 + exp(2.1 + 0.9 * e));
    double u = gsl_rng_uniform(r);
    double promo;
    if (u < hunt)
        promo = tnorm(r, 0.94, 0.03, 0.885, 0.994);
    else if (u < hunt + 0.01)
        promo = 0.41 + 0.39 * gsl_rng_uniform(r);
    else
        promo = tnorm(r, 0.24 - 0.02 * e, 0.07, 0.105, 0.404);
    c->promo = (int)lround(100.0 * promo);

    c->cat = (int)pick(r, cat_freq, N_CAT);
    c->viewed = (int)lround(tnorm(r, 3.27 + 0.55 * e, 1.25, 0.5, 6.49));
    unsigned k;
    do
        k = gsl_ran_poisson(r, 2.6 * exp(-0.30 * e));
    while (k > 10);
    c->unpaid = (int)k;
    c->errors = (int)lround(tnorm(r, 4.19, 1.96, -0.49, 9.49));
    c->pages = (int)lround(tnorm(r, 8.18 + 2.2 * e, 3.3, 0.5, 20.49));
    c->minutes[0] = (int)lround(tnorm(r, 13.47 + 2.5 * e, 3.0, 4.5, 23.49));
    c->minutes[1] = (int)lround(tnorm(r, 13.20 + 2.5 * e, 3.3, 3.5, 23.49));

    /* Revenue: one spending level drives the last two months (real r = 0.84),
     * the month before them is narrower and only loosely tied to it. */
    double level = gsl_ran_gaussian_ziggurat(r, 1.0);
    double pp = tnorm(r, 4825.0 + 130.0 * level + 200.0 * e, 260.0, 4098.0, 5663.0);
    double p = tnorm(r, 4937.0 + 620.0 * level, 300.0, 2890.0, 6869.5);
    double cur = tnorm(r, 5250.0 + 760.0 * level, 380.0, 2758.7, 7799.4);
    c->revenue[0] = 10 * lround(pp);
    c->revenue[1] = 5 * lround(2.0 * p);
    c->revenue[2] = lround(10.0 * cur);
    c->profit = (int)lround(100.0 * tnorm(r, 4.0, 1.01, 0.86, 7.43));

    c->money_order = (int)pick(r, money_order_freq, 6);
    c->time_first_current = gsl_rng_uniform(r) < 677.0 / 1300.0;

    double z = gsl_ran_gaussian_ziggurat(r, noise);
    /* Inactive customers are recent sign-ups with no revenue and no promo
     * purchases in the first two months; all of the real ones declined. */
    if (inactive) {
        c->days = 110 + (int)gsl_rng_uniform_int(r, 50);
        c->promo = 0;
        c->revenue[0] = c->revenue[1] = 0;
    }
    /* The erroneous entry is drawn near the real one's scale rather than
     * multiplying this customer's revenue, so it stays ~14x the largest. */
    if (outlier)
        c->revenue[2] = lround(10.0 * OUTLIER_FACTOR * tnorm(r, 5343.11, 150.0, 5000.0, 5700.0));
    c->declined = inactive || risk_score(c) + z > RISK_THRESHOLD;
}

/* ------------------------------------------------------------ output ---- */

/* Lines are formatted by hand into a large buffer: at n = 1e6 the four files
 * hold ~7 million lines, and printf would dominate the run time. */
#define WBUF_SIZE (1u << 16)
#define WBUF_LINE 512 /* longer than any line we write */

struct wbuf {
    struct outfile of;
    char *path;
    size_t len;
    char buf[WBUF_SIZE];
};

static int wbuf_flush(struct wbuf *w, struct err *e)
{
    if (w->len && fwrite(w->buf, 1, w->len, w->of.fp) != w->len) {
        int en = errno;
        return err_set(e, ERR_IO, "%s: write failed: %s", w->path, strerror(en ? en : EIO));
    }
    w->len = 0;
    return ERR_OK;
}

static char *put_str(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

static char *put_ulong(char *p, unsigned long v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

/* A fixed-point value v / 10^digits the way the real export prints it:
 * trailing zeros dropped; an integral value keeps ".0" (pandas style, keep=1)
 * or loses its separator entirely (money.csv, keep=0). */
static char *put_fixed(char *p, long v, int digits, char sep, int keep)
{
    long scale = digits == 1 ? 10 : 100;
    p = put_ulong(p, (unsigned long)(v / scale));
    long frac = v % scale;
    if (frac == 0) {
        if (keep) {
            *p++ = sep;
            *p++ = '0';
        }
        return p;
    }
    *p++ = sep;
    if (digits == 2) {
        *p++ = (char)('0' + frac / 10);
        if (frac % 10)
            *p++ = (char)('0' + frac % 10);
    } else {
        *p++ = (char)('0' + frac);
    }
    return p;
}

static char *put_crlf(char *p)
{
    *p++ = '\r';
    *p++ = '\n';
    return p;
}

static void customer_write(const struct customer *c, unsigned long id, struct wbuf w[4])
{
    char ids[24];
    size_t idn = (size_t)(put_ulong(ids, id) - ids);

    char *p = w[F_MARKET].buf + w[F_MARKET].len;
    memcpy(p, ids, idn);
    p += idn;
    *p++ = ',';
    p = put_str(p, c->declined ? TARGET_YES : TARGET_NO);
    *p++ = ',';
    p = put_str(p, c->premium ? SERVICE_PREMIUM : c->typo ? SERVICE_TYPO : SERVICE_STANDARD);
    *p++ = ',';
    p = put_str(p, c->consent ? "да" : "нет");
    *p++ = ',';
    p = put_fixed(p, c->m6, 1, '.', 1);
    *p++ = ',';
    p = put_ulong(p, (unsigned long)c->m_cur);
    *p++ = ',';
    p = put_ulong(p, (unsigned long)c->days);
    *p++ = ',';
    p = put_fixed(p, c->promo, 2, '.', 1);
    *p++ = ',';
    p = put_str(p, cat_names[c->cat]);
    const int ints[4] = {c->viewed, c->unpaid, c->errors, c->pages};
    for (int i = 0; i < 4; i++) {
        *p++ = ',';
        p = put_ulong(p, (unsigned long)ints[i]);
    }
    p = put_crlf(p);
    w[F_MARKET].len = (size_t)(p - w[F_MARKET].buf);

    p = w[F_MONEY].buf + w[F_MONEY].len;
    for (int k = 0; k < 3; k++) {
        int per = money_order[c->money_order][k];
        memcpy(p, ids, idn);
        p += idn;
        *p++ = ',';
        p = put_str(p, money_period[per]);
        *p++ = ',';
        p = put_fixed(p, c->revenue[per], 1, '.', 1);
        p = put_crlf(p);
    }
    w[F_MONEY].len = (size_t)(p - w[F_MONEY].buf);

    p = w[F_TIME].buf + w[F_TIME].len;
    for (int k = 0; k < 2; k++) {
        int per = c->time_first_current ? 1 - k : k;
        memcpy(p, ids, idn);
        p += idn;
        *p++ = ',';
        p = put_str(p, time_period[per]);
        *p++ = ',';
        p = put_ulong(p, (unsigned long)c->minutes[per]);
        p = put_crlf(p);
    }
    w[F_TIME].len = (size_t)(p - w[F_TIME].buf);

    p = w[F_PROFIT].buf + w[F_PROFIT].len;
    memcpy(p, ids, idn);
    p += idn;
    *p++ = ';';
    p = put_fixed(p, c->profit, 2, ',', 0);
    p = put_crlf(p);
    w[F_PROFIT].len = (size_t)(p - w[F_PROFIT].buf);
}

/* mkdir -p: the default output directory (data/synthetic/) is not committed. */
static int make_dir(const char *dir, struct err *e)
{
    size_t n = strlen(dir);
    char *d = malloc(n + 1);
    if (!d)
        return err_set(e, ERR_NOMEM, "%s: out of memory", dir);
    memcpy(d, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (d[i] != '/' && d[i] != '\0')
            continue;
        char saved = d[i];
        d[i] = '\0';
        if (mkdir(d, 0777) != 0 && errno != EEXIST) {
            int en = errno;
            err_set(e, ERR_IO, "%s: cannot create the directory: %s", d, strerror(en));
            free(d);
            return ERR_IO;
        }
        d[i] = saved;
    }
    free(d);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return err_set(e, ERR_IO, "%s: not a directory", dir);
    return ERR_OK;
}

static void wbufs_free(struct wbuf *w)
{
    if (!w)
        return;
    for (int f = 0; f < 4; f++) {
        outfile_abort(&w[f].of);
        free(w[f].path);
    }
    free(w);
}

static int wbufs_open(const char *dir, struct wbuf **out, struct err *e)
{
    struct wbuf *w = calloc(4, sizeof *w);
    if (!w)
        return err_set(e, ERR_NOMEM, "%s: out of memory", dir);
    for (int f = 0; f < 4; f++) {
        size_t n = strlen(dir) + strlen(file_names[f]) + 2;
        w[f].path = malloc(n);
        if (!w[f].path) {
            wbufs_free(w);
            return err_set(e, ERR_NOMEM, "%s: out of memory", dir);
        }
        snprintf(w[f].path, n, "%s/%s", dir, file_names[f]);
        int rc = outfile_open(w[f].path, &w[f].of, e);
        if (rc) {
            wbufs_free(w);
            return rc;
        }
        w[f].len = (size_t)(put_str(w[f].buf, headers[f]) - w[f].buf);
    }
    *out = w;
    return ERR_OK;
}

/* n customers split into `k` equal blocks, one inactive customer at a random
 * place in each: an exact count, spread over the file, decided while
 * streaming without storing the chosen rows. */
static size_t inactive_count(size_t n)
{
    if (n < 100)
        return 0;
    size_t k = (size_t)llround(INACTIVE_RATE * (double)n);
    return k ? k : 1;
}

static int generate(const struct synth_opts *o, struct wbuf *w, struct synth_summary *s, struct err *e)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r)
        return err_set(e, ERR_NOMEM, "synth: out of memory");
    gsl_rng_set(r, o->seed);
    double noise = o->noise > 0 ? o->noise : SYNTH_NOISE;
    size_t n = o->n;
    size_t outlier = n >= 100 ? (size_t)gsl_rng_uniform_int(r, n) : n;
    size_t k = inactive_count(n), block = 0, block_end = 0, chosen = n;

    for (size_t i = 0; i < n; i++) {
        if (block < k && i == block_end) {
            size_t start = (size_t)((unsigned long long)block * n / k);
            block_end = (size_t)((unsigned long long)(block + 1) * n / k);
            chosen = start + (size_t)gsl_rng_uniform_int(r, block_end - start);
            block++;
        }
        struct customer c;
        customer_draw(r, i == chosen, i == outlier, noise, &c);
        unsigned long id = SYNTH_FIRST_ID + (unsigned long)i;
        customer_write(&c, id, w);
        s->declined += (size_t)c.declined;
        s->typo += (size_t)c.typo;
        s->inactive += (size_t)c.inactive;
        if (c.outlier) {
            s->outlier_id = id;
            s->outlier_value = (double)c.revenue[2] / 10.0;
        }
        for (int f = 0; f < 4; f++) {
            if (w[f].len > WBUF_SIZE - 4 * WBUF_LINE) {
                int rc = wbuf_flush(&w[f], e);
                if (rc) {
                    gsl_rng_free(r);
                    return rc;
                }
            }
        }
    }
    gsl_rng_free(r);
    return ERR_OK;
}

int synth_run(const struct synth_opts *o, const char *dir, struct synth_summary *sum, struct err *e)
{
    if (!o || o->n == 0)
        return err_set(e, ERR_USAGE, "synth: expected at least 1 customer, found n = 0");
    /* Ids and the block arithmetic stay far from overflow, and gsl_rng_uniform_int
     * draws below 2^32 only. */
    if (o->n > 1000000000u)
        return err_set(e, ERR_USAGE, "synth: expected at most 1000000000 customers, found %zu", o->n);
    if (!(o->noise >= 0) || !isfinite(o->noise))
        return err_set(e, ERR_USAGE, "synth: expected a noise >= 0, found %g", o->noise);
    int rc = make_dir(dir, e);
    if (rc)
        return rc;
    struct wbuf *w = NULL;
    rc = wbufs_open(dir, &w, e);
    if (rc)
        return rc;
    struct synth_summary s = {.n = o->n};
    rc = generate(o, w, &s, e);
    for (int f = 0; f < 4 && !rc; f++)
        rc = wbuf_flush(&w[f], e);
    /* Commit only when all four are complete, so a failure in one file never
     * leaves a new market_file.csv beside stale money tables. */
    for (int f = 0; f < 4 && !rc; f++)
        rc = outfile_commit(&w[f].of, e);
    wbufs_free(w);
    if (!rc && sum)
        *sum = s;
    return rc;
}

int synth_write(const struct synth_opts *opts, const char *dir, struct err *e)
{
    return synth_run(opts, dir, NULL, e);
}
