// A small TCP key-value store for Gloo's rendezvous (env:// and tcp://). Debian's Gloo snapshot has
// FileStore and HashStore but no TCPStore, so rank 0 serves this one: every rank (rank 0 included)
// connects as a client, publishes its transport addresses with set() and reads the others' with a
// blocking get(). The server also remembers which ranks joined and which have since disconnected, so a
// failed collective can name the rank that died (a dead process closes its store connection).
// The idea follows torch.distributed's TCPStore (a master-hosted store with blocking waits); the wire
// format here is our own: [op u8][key len u32][key][...].
#pragma once

#include <chrono>
#include <cstdint>
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

  // Per rank: 0 never joined, 1 connected, 2 joined and then disconnected; `departed` gets the ranks
  // that disconnected, first to leave first. Empty if the server is gone.
  std::vector<uint8_t> rankStates(int worldSize, std::vector<int>* departed);
  const std::string& endpoint() const { return endpoint_; }

 private:
  std::vector<char> request(char op, const std::string& key, const std::vector<char>& payload);
  int fd_ = -1;
  std::string endpoint_;
  std::chrono::milliseconds timeout_;
  std::mutex mu_;
};

}  // namespace ntdist
