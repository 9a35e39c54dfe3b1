/*
 * libmodbus TCP server for the server benchmark (issue #3): the C reference.
 *
 * The multi-connection pattern libmodbus documents (its tests/bandwidth-server-many-up.c):
 * modbus_new_tcp, modbus_tcp_listen, then a select() loop that accepts with modbus_tcp_accept
 * and, for each readable client socket, modbus_set_socket + modbus_receive + modbus_reply.
 * modbus_receive reads exactly one ADU, so pipelined requests left in the kernel buffer keep
 * the socket readable and are served on the following passes of the loop.
 *
 * One deviation from the example: accepted sockets get TCP_NODELAY, as every other target's do,
 * so Nagle's algorithm does not hold back a reply written while an earlier one is unacked.
 *
 *   libmodbus-server V0,V1,...   holding registers 0.. hold V0, V1, ... (10,000 registers)
 *
 * Binds 127.0.0.1 on a free port, prints {"port":N} and serves until killed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <modbus.h>

#define REGISTERS 10000
#define MAX_CONNECTIONS 64

int main(int argc, char **argv)
{
    modbus_t *ctx = modbus_new_tcp("127.0.0.1", 0);
    if (ctx == NULL) {
        fprintf(stderr, "modbus_new_tcp: %s\n", modbus_strerror(errno));
        return 1;
    }
    modbus_mapping_t *map = modbus_mapping_new(0, 0, REGISTERS, 0);
    if (map == NULL) {
        fprintf(stderr, "modbus_mapping_new: %s\n", modbus_strerror(errno));
        return 1;
    }
    if (argc > 1) {
        char *values = argv[1];
        for (int i = 0; i < REGISTERS && *values != '\0'; i++) {
            char *end;
            map->tab_registers[i] = (uint16_t)strtoul(values, &end, 10);
            values = *end == ',' ? end + 1 : end;
        }
    }

    int server = modbus_tcp_listen(ctx, MAX_CONNECTIONS);
    if (server == -1) {
        fprintf(stderr, "modbus_tcp_listen: %s\n", modbus_strerror(errno));
        return 1;
    }
    struct sockaddr_in bound;
    socklen_t bound_length = sizeof bound;
    if (getsockname(server, (struct sockaddr *)&bound, &bound_length) == -1) {
        perror("getsockname");
        return 1;
    }
    printf("{\"port\":%d}\n", ntohs(bound.sin_port));
    fflush(stdout);

    uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
    fd_set all;
    FD_ZERO(&all);
    FD_SET(server, &all);
    int max_fd = server;
    const int on = 1;

    for (;;) {
        fd_set ready = all;
        if (select(max_fd + 1, &ready, NULL, NULL, NULL) == -1) {
            if (errno == EINTR)
                continue;
            perror("select");
            return 1;
        }
        for (int fd = 0; fd <= max_fd; fd++) {
            if (!FD_ISSET(fd, &ready))
                continue;
            if (fd == server) {
                int listening = server;
                int client = modbus_tcp_accept(ctx, &listening);
                if (client == -1)
                    continue;
                setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
                FD_SET(client, &all);
                if (client > max_fd)
                    max_fd = client;
                continue;
            }
            modbus_set_socket(ctx, fd);
            int rc = modbus_receive(ctx, query);
            if (rc > 0) {
                modbus_reply(ctx, query, rc, map);
            } else if (rc == -1) {
                close(fd);
                FD_CLR(fd, &all);
                if (fd == max_fd)
                    while (max_fd > server && !FD_ISSET(max_fd, &all))
                        max_fd--;
            }
        }
    }
}
