/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Vector table and reset handler for QEMU mps2-an386. Interrupts stay masked (cpsid i in main): the UART RX
 * interrupt only wakes WFI, so only the 16 core exception vectors are needed. */
#include <stdint.h>

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss;
extern void _estack(void); /* a linker symbol; declared as a function so it fits the table without a cast */
extern int main(void);
void Reset_Handler(void);
void Fault_Handler(void); /* main.c: reports the fault and exits QEMU through semihosting */

static void Default_Handler(void)
{
    Fault_Handler();
}

__attribute__((section(".isr_vector"), used)) static void (*const vectors[16])(void) = {
    _estack, /* initial stack pointer */
    Reset_Handler, Default_Handler, /* NMI */
    Fault_Handler, /* HardFault */
    Fault_Handler, /* MemManage */
    Fault_Handler, /* BusFault */
    Fault_Handler, /* UsageFault */
    0, 0, 0, 0, Default_Handler, /* SVCall */
    Default_Handler, /* DebugMonitor */
    0, Default_Handler, /* PendSV */
    Default_Handler, /* SysTick: its interrupt is never enabled */
};

void Reset_Handler(void)
{
    const uint32_t* src = &_sidata;
    uint32_t* dst;
    for (dst = &_sdata; dst < &_edata;)
        *dst++ = *src++;
    for (dst = &_sbss; dst < &_ebss;)
        *dst++ = 0;
    main();
    for (;;) { }
}
