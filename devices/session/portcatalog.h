// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QtGlobal>

#include <optional>
#include <vector>

namespace Devices {

/** One serial port the user may pick. */
struct PortEntry
{
    QString portName; ///< what QSerialPort opens: "/dev/ttyACM0", "COM5"
    QString systemLocation;
    QString description; ///< from the OS
    QString manufacturer;
    QString serialNumber;
    std::optional<quint16> vendorId;
    std::optional<quint16> productId;
    QString probeName; ///< known debug probe or board from VID/PID ("ST-LINK/V2-1", "Raspberry Pi Pico"), or empty

    /** "ttyACM0 — ST-LINK/V2-1 (0483:374b)" */
    QString displayName() const;
};

/** Name of a known USB debug probe or board for a vendor/product ID pair, or empty. Known: ST-LINK (all
 *  versions), SEGGER J-Link, CMSIS-DAP / DAPLink, Arduino boards, Raspberry Pi Pico (stdio USB and debug probe),
 *  Espressif USB-JTAG/serial, Silicon Labs CP210x, FTDI, WCH CH340, Nordic. Data: the table in portcatalog.cpp. */
QString knownUsbDeviceName(quint16 vendorId, quint16 productId);

/** Ports QSerialPortInfo lists, with their probe names, sorted with known probes first. Pseudo-terminals are never
 *  listed: the UI offers a typed path as well. */
std::vector<PortEntry> availablePorts();

} // namespace Devices
