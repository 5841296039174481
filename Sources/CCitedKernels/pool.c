// A small fork-join pool. Work is cut into chunks claimed through one atomic counter tagged with the
// job's generation, so the caller finishes alone if a helper has lost its core (no lock-step waits).
// Idle helpers spin briefly, then yield, then sleep on a condition variable.
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include "quant.h"
#if defined(__x86_64__)
#include <immintrin.h>
#define CQ_PAUSE() _mm_pause()
#else
#define CQ_PAUSE() ((void)0)
#endif

#define CQ_MAX_THREADS 16

static int g_threads = 2;
static int g_started = 0;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
// One job at a time: concurrent callers (threads of the host program, parallel tests) queue here, since
// the job's description and the kernels' per-thread scratch are shared.
static pthread_mutex_t g_job = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_wake = PTHREAD_COND_INITIALIZER;
static _Atomic uint64_t g_claim;  // (generation << 32) | next chunk
static atomic_int g_done;         // chunks finished in the current generation
static int g_sleepers;
static cq_task_fn g_fn;
static void *g_ctx;
static int64_t g_n;
static int g_chunks;

/// Claims and runs chunks of generation `gen` until none is left.
static void work(uint32_t gen, int thread) {
    for (;;) {
        uint64_t v = atomic_load_explicit(&g_claim, memory_order_acquire);
        if ((uint32_t)(v >> 32) != gen) return;
        const int c = (int)(uint32_t)v;
        if (c >= g_chunks) return;
        if (!atomic_compare_exchange_weak_explicit(&g_claim, &v, v + 1, memory_order_acq_rel, memory_order_acquire)) continue;
        const int64_t b = g_n * c / g_chunks, e = g_n * (c + 1) / g_chunks;
        if (e > b) g_fn(g_ctx, b, e, thread);
        atomic_fetch_add_explicit(&g_done, 1, memory_order_acq_rel);
    }
}

static void *worker(void *arg) {
    const int k = (int)(intptr_t)arg;
    uint32_t seen = 0;
    for (;;) {
        int spins = 0;
        uint32_t gen;
        while ((gen = (uint32_t)(atomic_load_explicit(&g_claim, memory_order_acquire) >> 32)) == seen) {
            ++spins;
            if (spins < 4000) { CQ_PAUSE(); continue; }
            if (spins < 4100) { sched_yield(); continue; }
            pthread_mutex_lock(&g_lock);
            g_sleepers++;
            while ((uint32_t)(atomic_load(&g_claim) >> 32) == seen) pthread_cond_wait(&g_wake, &g_lock);
            g_sleepers--;
            pthread_mutex_unlock(&g_lock);
            spins = 0;
        }
        seen = gen;
        work(gen, k);
    }
    return NULL;
}

void cq_set_threads(int n) {
    if (n < 1) n = 1;
    if (n > CQ_MAX_THREADS) n = CQ_MAX_THREADS;
    g_threads = n;
}

int cq_threads(void) { return g_threads; }

void cq_parallel_for(int64_t n, cq_task_fn fn, void *ctx) { cq_parallel_for_threads(n, fn, ctx, g_threads); }

void cq_parallel_for_threads(int64_t n, cq_task_fn fn, void *ctx, int threads) {
    if (n <= 0) return;
    if (threads < 1) threads = 1;
    if (threads > CQ_MAX_THREADS) threads = CQ_MAX_THREADS;
    pthread_mutex_lock(&g_job);
    if (threads <= 1 || n == 1) { fn(ctx, 0, n, 0); pthread_mutex_unlock(&g_job); return; }
    pthread_mutex_lock(&g_lock);
    while (g_started < threads - 1) {
        pthread_t th;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        const int ok = pthread_create(&th, &attr, worker, (void *)(intptr_t)(g_started + 1)) == 0;
        pthread_attr_destroy(&attr);
        if (!ok) break;
        g_started++;
    }
    // helpers started for an earlier, larger count stay idle: only chunks are shared, so a job of
    // `threads` cuts n into chunks for that many workers (an idle extra helper may still claim one)
    const int workers = (g_started + 1 < threads ? g_started + 1 : threads);
    const uint32_t gen = (uint32_t)(atomic_load(&g_claim) >> 32) + 1;
    g_fn = fn; g_ctx = ctx; g_n = n;
    g_chunks = (int)(n < workers * 4 ? n : workers * 4);
    atomic_store(&g_done, 0);
    atomic_store_explicit(&g_claim, (uint64_t)gen << 32, memory_order_release);
    if (g_sleepers > 0) pthread_cond_broadcast(&g_wake);
    pthread_mutex_unlock(&g_lock);
    work(gen, 0);
    int spins = 0;
    while (atomic_load_explicit(&g_done, memory_order_acquire) < g_chunks) {
        if (++spins < 4000) CQ_PAUSE(); else sched_yield();
    }
    pthread_mutex_unlock(&g_job);
}
