/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * TinyScope profiling stub: the board side of the TinyScope wire protocol (docs/protocol.md), in C99.
 *
 * No malloc, no stdio, no hidden state: everything lives in a ts_stub the caller owns, next to a ts_stub_config
 * the caller fills (it may live in flash). The stub writes frames field by field through the caller's writer with
 * a running CRC, so it needs no frame buffer. Measured on a Cortex-M4 at -Os: see docs/board-stub.md.
 *
 * Typical main loop (see docs/board-stub.md for TFLM, STM32 HAL and Arduino):
 *
 *     static const ts_stub_config cfg = { uart_write, systick_ticks, NULL, "my board", 80000000u, 80000000u,
 *                                         TS_UNKNOWN32, MODEL_ID, 24, TS_TICKS_DOWN };
 *     static ts_stub stub;
 *     ts_stub_init(&stub, &cfg);                       // sends a Hello (a courtesy: the host pings anyway)
 *     for (;;) {
 *         feed_received_bytes_with(ts_stub_rx);        // UART RX interrupt or a poll loop
 *         if (!ts_stub_should_run(&stub)) { sleep_until_rx(); continue; }
 *         ts_stub_run_begin(&stub);
 *         for (i = 0; i < layers; ++i) {
 *             ts_stub_layer_begin(&stub, i, op_code[i], NULL);
 *             run_layer(i);
 *             ts_stub_layer_end(&stub, i);
 *         }
 *         ts_stub_run_end(&stub);
 *     }
 *
 * Threading: ts_stub_rx() may be called from an interrupt handler; it only decodes and leaves the command for the
 * main loop. Every other function must be called from one context (the main loop). Replies (Pong, Hello) are sent
 * from ts_stub_should_run(), ts_stub_poll() and the layer calls, never from ts_stub_rx(), so a reply never cuts
 * into a frame being written.
 */
#ifndef TINYSCOPE_STUB_H
#define TINYSCOPE_STUB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TS_STUB_VERSION_MAJOR 1u /**< wire protocol major version this stub speaks */
#define TS_STUB_VERSION_MINOR 0u
#define TS_UNKNOWN32 0xFFFFFFFFu /**< "not known" for arena_bytes_used */
#define TS_OP_UNKNOWN 0xFFFFu /**< op code of a layer whose TFLite BuiltinOperator is not known (send a tag) */
#define TS_STUB_MAX_NAME 32u /**< board name and op tag are cut to this many bytes (on a UTF-8 boundary) */
#define TS_STUB_MAX_TEXT 200u /**< log and error texts are cut to this many bytes */
/** Host frames with a longer payload are treated as noise. Version 1.0 commands carry at most 4 bytes; the margin
 *  is for fields a later minor version may append. Keeps a false frame header in noise from swallowing more than
 *  40 bytes (about three Pings) of what follows. */
#define TS_STUB_MAX_COMMAND_PAYLOAD 32u

/** Counting direction of the tick source. */
#define TS_TICKS_UP 0u /**< e.g. DWT CYCCNT, a timer counting up, Arduino micros() */
#define TS_TICKS_DOWN 1u /**< e.g. SysTick, which counts down from its reload value */

/** Writes len bytes to the host (UART, USB CDC, ...). May block until they are taken; must not drop bytes. */
typedef void (*ts_write_fn)(void* user, const uint8_t* data, size_t len);
/** Reads the free-running tick counter (only its low tick_bits bits are used). */
typedef uint32_t (*ts_ticks_fn)(void* user);

/** What the board is and how the stub reaches the outside world. Must outlive the ts_stub; may be const. write and
 *  ticks are required; everything else may be 0 (or NULL) when not known. */
typedef struct ts_stub_config
{
    ts_write_fn write;
    ts_ticks_fn ticks;
    void* user; /**< passed to write and ticks */
    const char* board_name; /**< UTF-8, shown by the host; NULL for none */
    uint32_t cpu_hz;
    uint32_t tick_hz; /**< rate of the tick source (SysTick on the core clock: cpu_hz) */
    uint32_t arena_bytes_used; /**< TFLM arena_used_bytes() after AllocateTensors(), or TS_UNKNOWN32 */
    uint32_t model_id; /**< lets the host check the model: first 4 bytes of the model's SHA-256, little-endian */
    uint8_t tick_bits; /**< width of the counter: 24 for SysTick, 32 for DWT CYCCNT (1..32) */
    uint8_t tick_down; /**< TS_TICKS_DOWN or TS_TICKS_UP */
} ts_stub_config;

/** The stub's whole state; owned by the caller (a static variable), opaque: use the functions below. */
typedef struct ts_stub
{
    const ts_stub_config* cfg;
    uint32_t clock; /* free-running 32-bit tick clock, extended from the raw counter at every read */
    uint32_t last_raw; /* raw counter at the previous read */
    uint32_t layer_start; /* clock when the open layer started */
    uint32_t run_start; /* clock when the current run started */
    uint32_t run_index; /* runs since boot */
    uint32_t runs_left; /* runs still to do (unless forever) */
    uint16_t tx_crc;
    uint16_t layer_index; /* of the open layer */
    uint8_t tx_seq;
    uint8_t flags; /* TS_F_* in tinyscope_stub.c */
    /* Receiver: a byte-at-a-time state machine; the payload of host commands is at most 4 bytes. */
    uint8_t rx_state;
    uint8_t rx_type;
    uint8_t rx_len;
    uint8_t rx_pos;
    uint16_t rx_crc;
    uint8_t rx_payload[4];
    /* Mailbox between ts_stub_rx() (maybe an interrupt) and the main loop. */
    volatile uint8_t cmd_ping;
    volatile uint8_t cmd_start;
    volatile uint8_t cmd_stop;
    volatile uint32_t cmd_token;
    volatile uint32_t cmd_count;
} ts_stub;

/** Resets s, primes the tick clock and sends a Hello. */
void ts_stub_init(ts_stub* s, const ts_stub_config* cfg);

/** Feeds bytes received from the host. Decodes Ping, StartRuns and Stop (garbage and CRC errors are dropped and
 *  the decoder resynchronises on the next frame start). Safe to call from a UART RX interrupt. */
void ts_stub_rx(ts_stub* s, const uint8_t* data, size_t len);

/** Acts on received commands and sends what they ask for: Pong to a Ping (followed by a Hello when no run is in
 *  progress). Called by ts_stub_should_run() and the layer calls; call it yourself if you wait elsewhere. */
void ts_stub_poll(ts_stub* s);

/** Polls, then tells whether the host wants (more) runs: 1 after StartRuns until they are done or Stop. */
int ts_stub_should_run(ts_stub* s);

/** 1 between ts_stub_run_begin() and ts_stub_run_end() (unless the host stopped the run). */
int ts_stub_in_run(const ts_stub* s);

/** Starts an inference run: sends RunStart and starts the run's tick count. */
void ts_stub_run_begin(ts_stub* s);

/** A layer starts: sends LayerBegin (op_code is the TFLite BuiltinOperator or TS_OP_UNKNOWN; tag is optional,
 *  e.g. a custom operator's name, NULL for none), then reads the start tick as the last thing before returning. */
void ts_stub_layer_begin(ts_stub* s, uint16_t index, uint16_t op_code, const char* tag);

/** The layer ends: reads the tick first, then sends LayerEnd with the elapsed ticks (counter wrap handled). */
void ts_stub_layer_end(ts_stub* s, uint16_t index);

/** Ends the run: sends RunEnd with the ticks since ts_stub_run_begin(). */
void ts_stub_run_end(ts_stub* s);

/** Sends a Hello (also sent by ts_stub_init() and in answer to a Ping when idle). */
void ts_stub_hello(ts_stub* s);

/** Sends a Log text (UTF-8, cut at TS_STUB_MAX_TEXT bytes). */
void ts_stub_log(ts_stub* s, const char* text);

/** Sends an Error with a code of your choosing and a text (UTF-8, cut at TS_STUB_MAX_TEXT bytes). */
void ts_stub_error(ts_stub* s, uint16_t code, const char* text);

#ifdef __cplusplus
}
#endif

#endif /* TINYSCOPE_STUB_H */
