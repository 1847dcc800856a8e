/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Header-only tick sources for the TinyScope stub on Arm Cortex-M (M3, M4, M7, M33; M0/M0+ have SysTick only).
 *
 * - DWT CYCCNT: a 32-bit up-counter at the core clock; the best source where it exists. Some cores lack it, and
 *   QEMU 7.2 does not implement it at all (reads 0, writes ignored, no fault), so ts_cortexm_dwt_start() checks
 *   that it really counts.
 * - SysTick: a 24-bit down-counter, present on every Cortex-M. ts_cortexm_systick_start() makes it free-running
 *   at the core clock. Do not use it if an RTOS or the vendor HAL already programs SysTick (STM32 HAL does, for
 *   HAL_Delay): its reload value would no longer be 0xFFFFFF.
 *
 * ts_cortexm_use_best_ticks() picks DWT when it counts and SysTick otherwise, and fills the stub config.
 */
#ifndef TINYSCOPE_CORTEXM_H
#define TINYSCOPE_CORTEXM_H

#include "tinyscope_stub.h"

#include <stdint.h>

#define TS_CM_REG(addr) (*(volatile uint32_t*)(addr))
#define TS_CM_DEMCR TS_CM_REG(0xE000EDFCu) /* Debug Exception and Monitor Control; bit 24 TRCENA */
#define TS_CM_DWT_CTRL TS_CM_REG(0xE0001000u) /* bit 0 CYCCNTENA */
#define TS_CM_DWT_CYCCNT TS_CM_REG(0xE0001004u)
#define TS_CM_DWT_LAR TS_CM_REG(0xE0001FB0u) /* lock access register (Cortex-M7) */
#define TS_CM_SYST_CSR TS_CM_REG(0xE000E010u) /* bit 0 ENABLE, bit 1 TICKINT, bit 2 CLKSOURCE = core clock */
#define TS_CM_SYST_RVR TS_CM_REG(0xE000E014u)
#define TS_CM_SYST_CVR TS_CM_REG(0xE000E018u)

/** Enables the DWT cycle counter; returns 1 when it is seen counting, 0 when it is absent or stuck (QEMU). */
static inline int ts_cortexm_dwt_start(void)
{
    uint32_t before;
    volatile uint32_t spin;
    TS_CM_DEMCR |= 1u << 24;
    TS_CM_DWT_LAR = 0xC5ACCE55u;
    TS_CM_DWT_CYCCNT = 0;
    TS_CM_DWT_CTRL |= 1u;
    before = TS_CM_DWT_CYCCNT;
    for (spin = 0; spin < 16; ++spin) { }
    return TS_CM_DWT_CYCCNT != before;
}

/** ts_ticks_fn for DWT CYCCNT (32-bit, up). */
static inline uint32_t ts_cortexm_dwt_ticks(void* user)
{
    (void)user;
    return TS_CM_DWT_CYCCNT;
}

/** Makes SysTick a free-running 24-bit down-counter at the core clock, without interrupt. */
static inline void ts_cortexm_systick_start(void)
{
    TS_CM_SYST_CSR = 0;
    TS_CM_SYST_RVR = 0x00FFFFFFu;
    TS_CM_SYST_CVR = 0;
    TS_CM_SYST_CSR = 5u;
}

/** ts_ticks_fn for SysTick (24-bit, down). */
static inline uint32_t ts_cortexm_systick_ticks(void* user)
{
    (void)user;
    return TS_CM_SYST_CVR;
}

/** ts_ticks_fn for SysTick that first waits for the counter to change, so every reading is taken right at a tick
 *  edge. Costs up to one tick per read; on an emulator with a fixed instruction rate (QEMU -icount) it makes
 *  per-layer counts bit-identical from run to run instead of +-1 tick. */
static inline uint32_t ts_cortexm_systick_ticks_aligned(void* user)
{
    const uint32_t v = TS_CM_SYST_CVR;
    (void)user;
    while (TS_CM_SYST_CVR == v) { }
    return TS_CM_SYST_CVR;
}

/** Starts DWT CYCCNT if it counts, else SysTick, and sets ticks, tick_bits, tick_down and tick_hz (= cpu_hz) in
 *  cfg. Returns 1 for DWT, 0 for SysTick. */
static inline int ts_cortexm_use_best_ticks(ts_stub_config* cfg)
{
    cfg->tick_hz = cfg->cpu_hz;
    if (ts_cortexm_dwt_start()) {
        cfg->ticks = ts_cortexm_dwt_ticks;
        cfg->tick_bits = 32;
        cfg->tick_down = TS_TICKS_UP;
        return 1;
    }
    ts_cortexm_systick_start();
    cfg->ticks = ts_cortexm_systick_ticks;
    cfg->tick_bits = 24;
    cfg->tick_down = TS_TICKS_DOWN;
    return 0;
}

#endif /* TINYSCOPE_CORTEXM_H */
