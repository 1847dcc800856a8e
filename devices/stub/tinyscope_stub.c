/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TinyScope profiling stub (C99). Wire format: docs/protocol.md; usage and measured size: docs/board-stub.md. */
#include "tinyscope_stub.h"

#include "crc16.h"

/* Message types (docs/protocol.md). */
enum {
    TS_MSG_PING = 0x01,
    TS_MSG_START_RUNS = 0x02,
    TS_MSG_STOP = 0x03,
    TS_MSG_HELLO = 0x81,
    TS_MSG_PONG = 0x82,
    TS_MSG_RUN_START = 0x83,
    TS_MSG_LAYER_BEGIN = 0x84,
    TS_MSG_LAYER_END = 0x85,
    TS_MSG_RUN_END = 0x86,
    TS_MSG_LOG = 0x87,
    TS_MSG_ERROR = 0x88
};

/* ts_stub.flags */
enum {
    TS_F_IN_RUN = 0x01,
    TS_F_LAYER_OPEN = 0x02,
    TS_F_FOREVER = 0x04, /* StartRuns 0: run until Stop */
    TS_F_STOP_PENDING = 0x08 /* Stop arrived while a layer was open: end the run after its LayerEnd */
};

/* Receiver states, in the order the header bytes arrive. */
enum { RX_SOF0, RX_SOF1, RX_VERSION, RX_TYPE, RX_SEQUENCE, RX_LENGTH, RX_PAYLOAD, RX_CRC_LO, RX_CRC_HI };

#define TS_SOF0 0xA5u
#define TS_SOF1 0x5Au

/* ---- sending: every frame is written field by field while its CRC runs, no frame buffer ---- */

static void put(ts_stub* s, const uint8_t* data, size_t len)
{
    if (len == 0)
        return;
    s->tx_crc = ts_crc16_update(s->tx_crc, data, len);
    s->cfg->write(s->cfg->user, data, len);
}

static void put_u16(ts_stub* s, uint16_t v)
{
    uint8_t b[2];
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    put(s, b, 2);
}

static void put_u32(ts_stub* s, uint32_t v)
{
    uint8_t b[4];
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
    put(s, b, 4);
}

static void frame_begin(ts_stub* s, uint8_t type, size_t payload_len)
{
    uint8_t header[6];
    header[0] = TS_SOF0;
    header[1] = TS_SOF1;
    header[2] = TS_STUB_VERSION_MAJOR;
    header[3] = type;
    header[4] = s->tx_seq++;
    header[5] = (uint8_t)payload_len;
    s->cfg->write(s->cfg->user, header, 2); /* the SOF is outside the CRC */
    s->tx_crc = TS_CRC16_INIT;
    put(s, header + 2, 4);
}

static void frame_end(ts_stub* s)
{
    uint8_t crc[2];
    crc[0] = (uint8_t)s->tx_crc;
    crc[1] = (uint8_t)(s->tx_crc >> 8);
    s->cfg->write(s->cfg->user, crc, 2);
}

/* Bytes of text to send: at most max, cut before a UTF-8 character that would not fit whole. */
static size_t text_len(const char* text, size_t max)
{
    size_t n = 0;
    if (!text)
        return 0;
    while (n < max && text[n] != '\0')
        ++n;
    if (n == max && text[n] != '\0') {
        while (n > 0 && ((uint8_t)text[n] & 0xC0u) == 0x80u)
            --n;
    }
    return n;
}

static void put_text(ts_stub* s, const char* text, size_t len)
{
    put(s, (const uint8_t*)text, len);
}

static void send_u32_message(ts_stub* s, uint8_t type, uint32_t value)
{
    frame_begin(s, type, 4);
    put_u32(s, value);
    frame_end(s);
}

/* ---- ticks ---- */

/* Reads the counter and advances the 32-bit clock by the ticks since the previous read, modulo the counter width,
 * so a wrap of a 24-bit SysTick (or of any counter) between two reads is harmless. */
static uint32_t now_ticks(ts_stub* s)
{
    const ts_stub_config* c = s->cfg;
    const uint32_t raw = c->ticks(c->user);
    const uint32_t mask = (c->tick_bits == 0 || c->tick_bits >= 32) ? 0xFFFFFFFFu : ((1u << c->tick_bits) - 1u);
    const uint32_t delta = c->tick_down ? s->last_raw - raw : raw - s->last_raw;
    s->last_raw = raw;
    s->clock += delta & mask;
    return s->clock;
}

/* ---- public API ---- */

void ts_stub_init(ts_stub* s, const ts_stub_config* cfg)
{
    /* Field by field: a zeroing loop would become a memset call, which a -nostdlib firmware may not have. */
    s->cfg = cfg;
    s->clock = s->layer_start = s->run_start = s->run_index = s->runs_left = 0;
    s->tx_crc = s->layer_index = 0;
    s->tx_seq = s->flags = 0;
    s->rx_state = RX_SOF0;
    s->rx_type = s->rx_len = s->rx_pos = 0;
    s->rx_crc = 0;
    s->cmd_ping = s->cmd_start = s->cmd_stop = 0;
    s->cmd_token = s->cmd_count = 0;
    s->last_raw = cfg->ticks(cfg->user);
    ts_stub_hello(s);
}

void ts_stub_hello(ts_stub* s)
{
    const ts_stub_config* c = s->cfg;
    const size_t name_len = text_len(c->board_name, TS_STUB_MAX_NAME);
    uint8_t version[2];
    version[0] = TS_STUB_VERSION_MAJOR;
    version[1] = TS_STUB_VERSION_MINOR;
    frame_begin(s, TS_MSG_HELLO, 18 + name_len);
    put(s, version, 2);
    put_u32(s, c->cpu_hz);
    put_u32(s, c->tick_hz);
    put_u32(s, c->arena_bytes_used);
    put_u32(s, c->model_id);
    put_text(s, c->board_name, name_len);
    frame_end(s);
}

static void finish_run(ts_stub* s)
{
    const uint32_t total = now_ticks(s) - s->run_start;
    frame_begin(s, TS_MSG_RUN_END, 8);
    put_u32(s, s->run_index);
    put_u32(s, total);
    frame_end(s);
    ++s->run_index;
    s->flags &= (uint8_t) ~(TS_F_IN_RUN | TS_F_LAYER_OPEN | TS_F_STOP_PENDING);
    if (!(s->flags & TS_F_FOREVER) && s->runs_left > 0)
        --s->runs_left;
}

void ts_stub_poll(ts_stub* s)
{
    if (s->cmd_stop) {
        s->cmd_stop = 0;
        s->runs_left = 0;
        s->flags &= (uint8_t)~TS_F_FOREVER;
        if (s->flags & TS_F_IN_RUN) {
            if (s->flags & TS_F_LAYER_OPEN)
                s->flags |= TS_F_STOP_PENDING;
            else
                finish_run(s);
        }
    }
    if (s->cmd_start) {
        s->cmd_start = 0;
        s->runs_left = s->cmd_count;
        if (s->runs_left == 0)
            s->flags |= TS_F_FOREVER;
        else
            s->flags &= (uint8_t)~TS_F_FOREVER;
    }
    if (s->cmd_ping) {
        s->cmd_ping = 0;
        send_u32_message(s, TS_MSG_PONG, s->cmd_token);
        if (!(s->flags & TS_F_IN_RUN))
            ts_stub_hello(s);
    }
}

int ts_stub_should_run(ts_stub* s)
{
    ts_stub_poll(s);
    return (s->flags & TS_F_FOREVER) || s->runs_left > 0;
}

int ts_stub_in_run(const ts_stub* s)
{
    return (s->flags & TS_F_IN_RUN) != 0;
}

void ts_stub_run_begin(ts_stub* s)
{
    s->flags = (uint8_t)((s->flags & TS_F_FOREVER) | TS_F_IN_RUN);
    send_u32_message(s, TS_MSG_RUN_START, s->run_index);
    s->run_start = now_ticks(s);
}

void ts_stub_layer_begin(ts_stub* s, uint16_t index, uint16_t op_code, const char* tag)
{
    size_t tag_len;
    uint32_t now;
    if (!(s->flags & TS_F_IN_RUN))
        return;
    ts_stub_poll(s); /* may end the run (Stop) */
    if (!(s->flags & TS_F_IN_RUN))
        return;
    tag_len = text_len(tag, TS_STUB_MAX_NAME);
    now = now_ticks(s);
    frame_begin(s, TS_MSG_LAYER_BEGIN, 8 + tag_len);
    put_u16(s, index);
    put_u16(s, op_code);
    put_u32(s, now);
    put_text(s, tag, tag_len);
    frame_end(s);
    s->layer_index = index;
    s->flags |= TS_F_LAYER_OPEN;
    /* Last: the time spent sending the frame above is not the layer's. */
    s->layer_start = now_ticks(s);
}

void ts_stub_layer_end(ts_stub* s, uint16_t index)
{
    const uint32_t now = now_ticks(s); /* first: the stub's own work is not the layer's */
    if (!(s->flags & TS_F_LAYER_OPEN) || index != s->layer_index)
        return;
    frame_begin(s, TS_MSG_LAYER_END, 6);
    put_u16(s, index);
    put_u32(s, now - s->layer_start);
    frame_end(s);
    s->flags &= (uint8_t)~TS_F_LAYER_OPEN;
    if (s->flags & TS_F_STOP_PENDING)
        finish_run(s);
    else
        ts_stub_poll(s);
}

void ts_stub_run_end(ts_stub* s)
{
    if (s->flags & TS_F_IN_RUN)
        finish_run(s);
}

void ts_stub_log(ts_stub* s, const char* text)
{
    const size_t len = text_len(text, TS_STUB_MAX_TEXT);
    frame_begin(s, TS_MSG_LOG, len);
    put_text(s, text, len);
    frame_end(s);
}

void ts_stub_error(ts_stub* s, uint16_t code, const char* text)
{
    const size_t len = text_len(text, TS_STUB_MAX_TEXT);
    frame_begin(s, TS_MSG_ERROR, 2 + len);
    put_u16(s, code);
    put_text(s, text, len);
    frame_end(s);
}

/* ---- receiving: one byte at a time; a bad header byte or CRC sends the decoder back to hunting for A5 5A ---- */

static void rx_command(ts_stub* s)
{
    const uint8_t* p = s->rx_payload;
    const uint32_t value = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
    switch (s->rx_type) {
    case TS_MSG_PING:
        if (s->rx_len >= 4) {
            s->cmd_token = value;
            s->cmd_ping = 1;
        }
        break;
    case TS_MSG_START_RUNS:
        if (s->rx_len >= 4) {
            s->cmd_count = value;
            s->cmd_start = 1;
        }
        break;
    case TS_MSG_STOP:
        s->cmd_start = 0; /* a StartRuns received before this Stop is cancelled by it */
        s->cmd_stop = 1;
        break;
    default:
        break; /* a command of a newer minor version: ignored */
    }
}

static void rx_byte(ts_stub* s, uint8_t b)
{
    switch (s->rx_state) {
    case RX_SOF0:
        if (b == TS_SOF0)
            s->rx_state = RX_SOF1;
        return;
    case RX_SOF1:
        if (b == TS_SOF1) {
            s->rx_state = RX_VERSION;
            s->rx_crc = TS_CRC16_INIT;
        } else if (b != TS_SOF0) {
            s->rx_state = RX_SOF0;
        }
        return;
    case RX_VERSION:
        if (b != TS_STUB_VERSION_MAJOR)
            goto resync;
        break;
    case RX_TYPE:
        if (b == 0 || b >= 0x80u) /* only host commands travel to the board */
            goto resync;
        s->rx_type = b;
        break;
    case RX_SEQUENCE:
        break;
    case RX_LENGTH:
        if (b > TS_STUB_MAX_COMMAND_PAYLOAD) /* also bounds what a false header in noise can swallow */
            goto resync;
        s->rx_len = b;
        s->rx_pos = 0;
        s->rx_payload[0] = s->rx_payload[1] = s->rx_payload[2] = s->rx_payload[3] = 0;
        s->rx_crc = ts_crc16_update(s->rx_crc, &b, 1);
        s->rx_state = b ? RX_PAYLOAD : RX_CRC_LO;
        return;
    case RX_PAYLOAD:
        if (s->rx_pos < sizeof(s->rx_payload))
            s->rx_payload[s->rx_pos] = b;
        s->rx_crc = ts_crc16_update(s->rx_crc, &b, 1);
        if (++s->rx_pos == s->rx_len)
            s->rx_state = RX_CRC_LO;
        return;
    case RX_CRC_LO:
        s->rx_pos = b; /* the payload is complete: rx_pos holds the CRC's low byte */
        s->rx_state = RX_CRC_HI;
        return;
    default: /* RX_CRC_HI */
        if ((uint16_t)(s->rx_pos | (b << 8)) == s->rx_crc)
            rx_command(s);
        s->rx_state = RX_SOF0;
        return;
    }
    s->rx_crc = ts_crc16_update(s->rx_crc, &b, 1);
    ++s->rx_state;
    return;
resync:
    /* Not a frame after all; the byte that broke it may itself start the next one. */
    s->rx_state = (b == TS_SOF0) ? RX_SOF1 : RX_SOF0;
}

void ts_stub_rx(ts_stub* s, const uint8_t* data, size_t len)
{
    size_t i;
    for (i = 0; i < len; ++i)
        rx_byte(s, data[i]);
}
