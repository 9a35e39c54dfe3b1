"""pymodbus's asyncio TCP server as a benchmark target (issue #3).

   /usr/bin/python3 pymodbus-server.py V0,V1,...

Unit 1 holds 10,000 holding registers (zero_mode: request address N is register N) whose first
ones hold V0, V1, ...; the server binds 127.0.0.1 on a free port, prints {"port": N} and serves
until killed. Written for Debian's python3-pymodbus 3.0.0 (3.0.0rc1); asyncio's TCP transports
set TCP_NODELAY themselves.
"""
import asyncio
import json
import logging
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server.async_io import ModbusTcpServer

REGISTERS = 10000


async def main():
    values = [int(v) for v in sys.argv[1].split(",")] if len(sys.argv) > 1 else []
    registers = values + [0] * (REGISTERS - len(values))
    unit = ModbusSlaveContext(hr=ModbusSequentialDataBlock(0, registers), zero_mode=True)
    context = ModbusServerContext(slaves={1: unit}, single=False)
    server = ModbusTcpServer(context, address=("127.0.0.1", 0))
    serving = asyncio.create_task(server.serve_forever())
    await server.serving
    port = server.server.sockets[0].getsockname()[1]
    print(json.dumps({"port": port}), flush=True)
    await serving


logging.basicConfig(level=logging.WARNING)
asyncio.run(main())
