/* heap_math.c - the heap sampler's arithmetic: exponential gaps and Go's
 * unsampling formula, without libm (the library does not link it, and the
 * gap is drawn inside malloc). */
#include <stdint.h>
#include <string.h>

#include "heap_internal.h"

#define HL_LN2 0.69314718055994530942

/* Splits x > 0 into m * 2^e with m in [sqrt(1/2), sqrt(2)), then
 * ln(m) = 2 atanh(s) with s = (m-1)/(m+1), |s| < 0.172: seven odd terms give
 * about 1e-13 relative error. */
double hl_heap_ln(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    int e = (int)((u >> 52) & 0x7ff) - 1023;
    u = (u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
    double m;
    memcpy(&m, &u, sizeof m);
    if (m > 1.41421356237309504880) {
        m *= 0.5;
        e++;
    }
    double s = (m - 1.0) / (m + 1.0), s2 = s * s;
    double series =
        1.0 + s2 * (1.0 / 3 +
                    s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 * (1.0 / 9 + s2 * (1.0 / 11 + s2 / 13.0)))));
    return e * HL_LN2 + 2.0 * s * series;
}

/* x = k ln2 + r with |r| <= ln2/2; e^r by its Taylor series (13 terms,
 * error below 1e-15), then scaled by 2^k through the exponent bits. */
double hl_heap_exp_neg(double x)
{
    if (x > 0)
        x = 0;
    if (x < -700.0)
        return 0.0;
    double kf = x / HL_LN2;
    int k = (int)(kf < 0 ? kf - 0.5 : kf + 0.5);
    double r = x - k * HL_LN2;
    double term = 1.0, sum = 1.0;
    for (int i = 1; i <= 13; i++) {
        term *= r / i;
        sum += term;
    }
    uint64_t u = (uint64_t)(k + 1023) << 52;
    double scale;
    memcpy(&scale, &u, sizeof scale);
    return sum * scale;
}

/* Uses the top 53 bits as a uniform number in (0, 1]; -ln(u) * rate is
 * exponential with mean rate. Capped far below overflow. */
int64_t hl_heap_gap(uint64_t random, int64_t rate)
{
    if (rate <= 1)
        return 0;
    double u = (double)((random >> 11) + 1) * (1.0 / 9007199254740992.0);
    double g = -hl_heap_ln(u) * (double)rate;
    if (g > 4.0e18)
        g = 4.0e18;
    return (int64_t)g;
}

/* As Go's scaleHeapSample: an allocation of size avg is sampled with
 * probability 1 - e^(-avg/rate), so each sampled one stands for
 * 1 / (1 - e^(-avg/rate)) of them. */
void hl_heap_scale(int64_t count, int64_t bytes, int64_t rate, int64_t *out_count,
                   int64_t *out_bytes)
{
    if (rate <= 1 || count == 0 || bytes == 0) {
        *out_count = count;
        *out_bytes = bytes;
        return;
    }
    double avg = (double)bytes / (double)count;
    double scale = 1.0 / (1.0 - hl_heap_exp_neg(-avg / (double)rate));
    *out_count = (int64_t)((double)count * scale + 0.5);
    *out_bytes = (int64_t)((double)bytes * scale + 0.5);
}
