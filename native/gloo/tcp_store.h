// A small TCP key-value store for Gloo's rendezvous (env:// and tcp://). Debian's Gloo snapshot has
// FileStore and HashStore but no TCPStore, so rank 0 serves this one: every rank (rank 0 included)
// connects as a client, publishes its transport addresses with set() and reads the others' with a
// blocking get(). The server also tracks which ranks have disconnected (a dead process closes its store
// connection) and pushes each departure to every rank's second, watch connection, so a failed collective
// can name the rank that died. A rank keeps what it was told: when rank 0 (the store's host) is the one
// that died, or exits after a collective failed, the others still know, in order, who left first.
// The idea follows torch.distributed's TCPStore (a master-hosted store with blocking waits); the wire
// format here is our own: [op u8][key len u32][key][...].
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gloo/rendezvous/store.h>

namespace ntdist {

class StoreServer;

// Starts the server on port (0.0.0.0); throws std::runtime_error when the port cannot be bound.
StoreServer* startStoreServer(int port, int worldSize);

class TcpStoreClient : public gloo::rendezvous::Store {
 public:
  // Connects to host:port, retrying until timeout (the server may start later than this rank).
  TcpStoreClient(const std::string& host, int port, int rank, std::chrono::milliseconds timeout);
  ~TcpStoreClient() override;

  void set(const std::string& key, const std::vector<char>& data) override;
  std::vector<char> get(const std::string& key) override;
  void wait(const std::vector<std::string>& keys) override;
  void wait(const std::vector<std::string>& keys, const std::chrono::milliseconds& timeout) override;

  // The ranks that left, first to leave first, as the watch connection was told (rank 0 last when the
  // store itself went away). Waits up to `patience` for a first departure: a dead peer's connections
  // close together, but the store may notice a moment after the transport did.
  std::vector<int> departed(std::chrono::milliseconds patience);
  const std::string& endpoint() const { return endpoint_; }

 private:
  struct Watch;  // shared with the watch thread, which may outlive this client
  std::vector<char> request(char op, const std::string& key, const std::vector<char>& payload);
  int fd_ = -1;
  std::string endpoint_;
  std::chrono::milliseconds timeout_;
  std::mutex mu_;
  std::shared_ptr<Watch> watch_;
};

}  // namespace ntdist
