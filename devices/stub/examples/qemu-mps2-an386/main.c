/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Example firmware for QEMU mps2-an386 (Cortex-M4): the TinyScope stub on UART0, timing a synthetic per-layer
 * workload generated from a model by `tinyscope-cli firmware-workload` (layers.h). See README.md.
 *
 * - UART0 (CMSDK APB UART at 0x40004000) carries the wire protocol; the firmware sleeps in WFI while idle and the
 *   RX interrupt (IRQ 0, pending but masked) wakes it, so an idle QEMU costs almost no host CPU.
 * - Ticks: DWT CYCCNT when it counts (not in QEMU 7.2), else SysTick at the 25 MHz core clock, read at a tick edge
 *   so that with `-icount shift=0` every layer's count is the same in every run and every boot.
 * - A fault sends an Error frame and ends QEMU through semihosting with exit code 3.
 */
#include "layers.h"
#include "tinyscope_cortexm.h"
#include "tinyscope_stub.h"

#include <stdint.h>

#define REG(addr) (*(volatile uint32_t*)(addr))
#define UART0_DATA REG(0x40004000u)
#define UART0_STATE REG(0x40004004u) /* bit 0 TX full, bit 1 RX full */
#define UART0_CTRL REG(0x40004008u) /* bit 0 TX enable, bit 1 RX enable, bit 3 RX interrupt enable */
#define UART0_INTCLEAR REG(0x4000400Cu) /* bit 1 RX */
#define UART0_BAUDDIV REG(0x40004010u)
#define NVIC_ISER0 REG(0xE000E100u)
#define NVIC_ICPR0 REG(0xE000E280u)
#define SCB_CFSR REG(0xE000ED28u)

#define CPU_HZ 25000000u /* the MPS2 FPGA images run the core at 25 MHz */

static ts_stub stub;
static ts_stub_config config = {
    0,
    0,
    0,
    "QEMU mps2-an386 (Cortex-M4)",
    CPU_HZ,
    CPU_HZ,
    TS_UNKNOWN32,
    TS_WORKLOAD_MODEL_ID,
    24,
    TS_TICKS_DOWN,
};
static int stub_ready;

/* Operands of the multiply-accumulate loop. */
static int8_t operand_a[64];
static int8_t operand_b[64];
static volatile int32_t sink;

static void uart_write(void* user, const uint8_t* data, size_t len)
{
    (void)user;
    while (len-- > 0) {
        while (UART0_STATE & 1u) { }
        UART0_DATA = *data++;
    }
}

/* One received byte, or -1 when there is none; clears the (masked) RX interrupt so WFI sleeps again. */
static int uart_read(void)
{
    int byte;
    if (!(UART0_STATE & 2u))
        return -1;
    byte = (int)(UART0_DATA & 0xFFu);
    UART0_INTCLEAR = 2u;
    NVIC_ICPR0 = 1u;
    return byte;
}

static void feed_received_bytes(void)
{
    int byte;
    while ((byte = uart_read()) >= 0) {
        const uint8_t b = (uint8_t)byte;
        ts_stub_rx(&stub, &b, 1);
    }
}

static void semihosting_exit(uint32_t code)
{
    static uint32_t block[2];
    register uint32_t r0 __asm__("r0") = 0x20u; /* SYS_EXIT_EXTENDED */
    register uint32_t* r1 __asm__("r1") = block;
    block[0] = 0x20026u; /* ADP_Stopped_ApplicationExit */
    block[1] = code;
    __asm__ volatile("bkpt 0xAB" : : "r"(r0), "r"(r1) : "memory");
    for (;;) { }
}

void Fault_Handler(void);
void Fault_Handler(void)
{
    if (stub_ready)
        ts_stub_error(&stub, (uint16_t)(SCB_CFSR & 0xFFFFu), "fault: the firmware stopped (CFSR in the code)");
    semihosting_exit(3u);
}

/* The layer's "work": iterations multiply-accumulates over two small operand tables. */
__attribute__((noinline)) static int32_t mac_loop(uint32_t iterations)
{
    int32_t acc = 0;
    uint32_t i;
    for (i = 0; i < iterations; ++i)
        acc += operand_a[i & 63u] * operand_b[(i * 7u) & 63u];
    return acc;
}

static void run_model(void)
{
    uint16_t i;
    ts_stub_run_begin(&stub);
    for (i = 0; i < TS_WORKLOAD_LAYER_COUNT; ++i) {
        feed_received_bytes(); /* a Ping or a Stop during the run is seen between layers */
        if (!ts_stub_in_run(&stub))
            return; /* the host stopped the run */
        ts_stub_layer_begin(&stub, i, ts_workload_layers[i].op_code, ts_workload_layers[i].tag);
        sink = mac_loop(ts_workload_layers[i].iterations);
        ts_stub_layer_end(&stub, i);
    }
    ts_stub_run_end(&stub);
}

int main(void)
{
    uint32_t i;
    int dwt;
    __asm__ volatile("cpsid i" ::: "memory"); /* interrupts only wake WFI; no handler runs */
    for (i = 0; i < 64u; ++i) {
        operand_a[i] = (int8_t)(i * 37u + 11u);
        operand_b[i] = (int8_t)(i * 91u + 5u);
    }
    UART0_BAUDDIV = 16u;
    UART0_CTRL = 1u | 2u | 8u;
    NVIC_ISER0 = 1u; /* UART0 RX is IRQ 0 */

    config.write = uart_write;
    dwt = ts_cortexm_use_best_ticks(&config);
    if (!dwt)
        config.ticks = ts_cortexm_systick_ticks_aligned;
    ts_stub_init(&stub, &config);
    stub_ready = 1;
    ts_stub_log(&stub, dwt ? "ticks: DWT CYCCNT" : "ticks: SysTick at a tick edge (DWT CYCCNT does not count)");

    for (;;) {
        feed_received_bytes();
        if (ts_stub_should_run(&stub)) {
            run_model();
            continue;
        }
        /* Idle: sleep until a byte arrives. The pending RX interrupt ends WFI even though it is masked. */
        while (!(UART0_STATE & 2u))
            __asm__ volatile("wfi");
    }
}
