// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/portcatalog.h"

#include <QCollator>
#include <QFileInfo>
#include <QSerialPortInfo>

#include <algorithm>
#include <array>

namespace Devices {

namespace {

constexpr int kAnyProduct = -1;

struct KnownUsbDevice
{
    quint16 vendorId;
    int productId; ///< kAnyProduct: every product of the vendor (checked after the exact entries)
    const char* name;
};

// USB vendor/product IDs of debug probes, USB-serial bridges and boards that people profile TinyML models on.
// Exact entries first; a vendor-wide entry is the fallback for products not listed.
constexpr std::array kKnownDevices {
    // STMicroelectronics: ST-LINK probes (their virtual COM port is how Nucleo/Discovery boards talk).
    KnownUsbDevice { 0x0483, 0x3744, "ST-LINK/V1" },
    KnownUsbDevice { 0x0483, 0x3748, "ST-LINK/V2" },
    KnownUsbDevice { 0x0483, 0x374a, "ST-LINK/V2-1" },
    KnownUsbDevice { 0x0483, 0x374b, "ST-LINK/V2-1" },
    KnownUsbDevice { 0x0483, 0x3752, "ST-LINK/V2-1" },
    KnownUsbDevice { 0x0483, 0x374e, "STLINK-V3" },
    KnownUsbDevice { 0x0483, 0x374f, "STLINK-V3" },
    KnownUsbDevice { 0x0483, 0x3753, "STLINK-V3" },
    KnownUsbDevice { 0x0483, 0x3754, "STLINK-V3" },
    KnownUsbDevice { 0x0483, 0x3757, "STLINK-V3PWR" },
    KnownUsbDevice { 0x0483, 0x5740, "STM32 Virtual COM Port" },
    // SEGGER: every J-Link (and J-Link OB on Nordic, Silicon Labs, ... kits) uses its own vendor ID.
    KnownUsbDevice { 0x1366, kAnyProduct, "SEGGER J-Link" },
    // CMSIS-DAP / DAPLink probes.
    KnownUsbDevice { 0x0d28, 0x0204, "DAPLink CMSIS-DAP" },
    KnownUsbDevice { 0xc251, 0xf001, "Keil CMSIS-DAP" },
    KnownUsbDevice { 0xc251, 0xf002, "Keil CMSIS-DAP" },
    KnownUsbDevice { 0x1fc9, 0x0090, "NXP LPC-Link2 CMSIS-DAP" },
    KnownUsbDevice { 0x1fc9, 0x0143, "NXP MCU-Link" },
    KnownUsbDevice { 0x03eb, 0x2111, "Microchip EDBG CMSIS-DAP" },
    KnownUsbDevice { 0x1d50, 0x6018, "Black Magic Probe" },
    // Raspberry Pi (RP2040 / RP2350).
    KnownUsbDevice { 0x2e8a, 0x0004, "Raspberry Pi Picoprobe" },
    KnownUsbDevice { 0x2e8a, 0x0005, "Raspberry Pi Pico (MicroPython)" },
    KnownUsbDevice { 0x2e8a, 0x0009, "Raspberry Pi Pico (stdio USB)" },
    KnownUsbDevice { 0x2e8a, 0x000a, "Raspberry Pi Pico (stdio USB)" },
    KnownUsbDevice { 0x2e8a, 0x000b, "Raspberry Pi Pico (CircuitPython)" },
    KnownUsbDevice { 0x2e8a, 0x000c, "Raspberry Pi Debug Probe" },
    KnownUsbDevice { 0x2e8a, kAnyProduct, "Raspberry Pi RP2040/RP2350 board" },
    // Arduino (arduino.cc and the former arduino.org).
    KnownUsbDevice { 0x2341, 0x0042, "Arduino Mega 2560" },
    KnownUsbDevice { 0x2341, 0x0043, "Arduino Uno" },
    KnownUsbDevice { 0x2341, 0x8036, "Arduino Leonardo" },
    KnownUsbDevice { 0x2341, 0x805a, "Arduino Nano 33 BLE" },
    KnownUsbDevice { 0x2341, kAnyProduct, "Arduino" },
    KnownUsbDevice { 0x2a03, kAnyProduct, "Arduino" },
    // Espressif: the built-in USB-Serial/JTAG of ESP32-C3/S3/C6/H2.
    KnownUsbDevice { 0x303a, 0x1001, "Espressif USB JTAG/serial" },
    KnownUsbDevice { 0x303a, kAnyProduct, "Espressif" },
    // USB-serial bridges on development boards.
    KnownUsbDevice { 0x10c4, 0xea60, "Silicon Labs CP210x" },
    KnownUsbDevice { 0x10c4, 0xea70, "Silicon Labs CP2105" },
    KnownUsbDevice { 0x10c4, 0xea71, "Silicon Labs CP2108" },
    KnownUsbDevice { 0x0403, 0x6001, "FTDI FT232R" },
    KnownUsbDevice { 0x0403, 0x6010, "FTDI FT2232" },
    KnownUsbDevice { 0x0403, 0x6011, "FTDI FT4232" },
    KnownUsbDevice { 0x0403, 0x6014, "FTDI FT232H" },
    KnownUsbDevice { 0x0403, 0x6015, "FTDI FT-X" },
    KnownUsbDevice { 0x1a86, 0x7523, "WCH CH340" },
    KnownUsbDevice { 0x1a86, 0x5523, "WCH CH341" },
    KnownUsbDevice { 0x1a86, 0x55d4, "WCH CH9102" },
    KnownUsbDevice { 0x067b, 0x2303, "Prolific PL2303" },
    // Board vendors.
    KnownUsbDevice { 0x1915, kAnyProduct, "Nordic Semiconductor" },
    KnownUsbDevice { 0x16c0, 0x0483, "Teensy" },
    KnownUsbDevice { 0x239a, kAnyProduct, "Adafruit" },
    KnownUsbDevice { 0x2886, kAnyProduct, "Seeed Studio" },
};

QString hex4(quint16 value)
{
    return QStringLiteral("%1").arg(value, 4, 16, QLatin1Char('0'));
}

} // namespace

QString PortEntry::displayName() const
{
    const QString shortName = QFileInfo(portName).fileName().isEmpty() ? portName : QFileInfo(portName).fileName();
    QString what = probeName.isEmpty() ? description : probeName;
    QString ids;
    if (vendorId && productId)
        ids = hex4(*vendorId) + QLatin1Char(':') + hex4(*productId);
    if (what.isEmpty() && ids.isEmpty())
        return shortName;
    if (what.isEmpty())
        return shortName + QStringLiteral(" \u2014 (") + ids + QLatin1Char(')');
    if (ids.isEmpty())
        return shortName + QStringLiteral(" \u2014 ") + what;
    return shortName + QStringLiteral(" \u2014 ") + what + QStringLiteral(" (") + ids + QLatin1Char(')');
}

QString knownUsbDeviceName(quint16 vendorId, quint16 productId)
{
    const auto exact = std::find_if(kKnownDevices.begin(), kKnownDevices.end(),
        [&](const KnownUsbDevice& d) { return d.vendorId == vendorId && d.productId == productId; });
    if (exact != kKnownDevices.end())
        return QString::fromUtf8(exact->name);
    const auto vendor = std::find_if(kKnownDevices.begin(), kKnownDevices.end(),
        [&](const KnownUsbDevice& d) { return d.vendorId == vendorId && d.productId == kAnyProduct; });
    if (vendor != kKnownDevices.end())
        return QString::fromUtf8(vendor->name);
    return {};
}

std::vector<PortEntry> availablePorts()
{
    std::vector<PortEntry> out;
    const QList<QSerialPortInfo> infos = QSerialPortInfo::availablePorts();
    for (const QSerialPortInfo& info : infos) {
        PortEntry entry;
#ifdef Q_OS_WIN
        entry.portName = info.portName();
#else
        entry.portName = info.systemLocation().isEmpty() ? info.portName() : info.systemLocation();
#endif
        entry.systemLocation = info.systemLocation();
        entry.description = info.description();
        entry.manufacturer = info.manufacturer();
        entry.serialNumber = info.serialNumber();
        if (info.hasVendorIdentifier())
            entry.vendorId = info.vendorIdentifier();
        if (info.hasProductIdentifier())
            entry.productId = info.productIdentifier();
        if (entry.vendorId && entry.productId)
            entry.probeName = knownUsbDeviceName(*entry.vendorId, *entry.productId);
        out.push_back(std::move(entry));
    }
    // Known probes first, then other USB devices, then the rest (legacy /dev/ttyS*); by name within each group.
    const auto rank = [](const PortEntry& e) { return !e.probeName.isEmpty() ? 0 : (e.vendorId ? 1 : 2); };
    QCollator collator;
    collator.setNumericMode(true); // ttyACM2 before ttyACM10
    std::stable_sort(out.begin(), out.end(), [&](const PortEntry& a, const PortEntry& b) {
        if (rank(a) != rank(b))
            return rank(a) < rank(b);
        return collator.compare(a.portName, b.portName) < 0;
    });
    return out;
}

} // namespace Devices
