// GET /ws: a WebSocket client of the same Pub/Sub as RESP clients (Boost.Beast websocket).
//
// Protocol: text frames holding one JSON object each (docs/http.md, "WebSocket /ws").
//   client → server  {"op":"subscribe","channels":[...]}   {"op":"unsubscribe","channels":[...]}
//                    {"op":"psubscribe","patterns":[...]}  {"op":"punsubscribe","patterns":[...]}
//                    {"op":"publish","channel":"c","message":"m"}   {"op":"ping"}
//   server → client  {"type":"subscribe","channel":"c","count":1} (unsubscribe, psubscribe and
//                    punsubscribe likewise, "pattern" for the pattern ones),
//                    {"type":"message","channel":"c","data":"m"},
//                    {"type":"pmessage","pattern":"p*","channel":"c","data":"m"},
//                    {"type":"publish","receivers":N}, {"type":"pong"},
//                    {"type":"error","error":"..."} (bad JSON, unknown op: the socket stays open).
// Names and payloads follow the HTTP API's convention: a JSON string when the bytes are valid
// UTF-8, else {"base64": "..."}; requests accept both forms.
//
// A WebSocket client is a client like a RESP connection: it has its own Session (listed by
// CLIENT LIST, closed by CLIENT KILL, counted in INFO clients), its requests run through the
// Dispatcher as SUBSCRIBE/PSUBSCRIBE/UNSUBSCRIBE/PUNSUBSCRIBE/PUBLISH (stats, ACL and the
// slowlog apply; PUBSUB NUMSUB counts it), and its Subscriber is bounded by
// `client-output-buffer-limit pubsub` exactly as a connection's (closed with code 1008).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>

namespace fincache {
class ServerState;
class Dispatcher;
}  // namespace fincache

namespace fincache::http {

// Frames larger than this are refused (close code 1009) unless http-max-body-size says more
// or less.
inline constexpr size_t kWsDefaultMaxFrame = 1024 * 1024;
// Close codes the server sends besides Beast's own (1002 protocol error, 1007 invalid UTF-8 in
// a text frame, 1009 frame too big): 1000 on CLIENT KILL, 1001 when the HTTP server stops,
// 1008 when the client's pending messages pass client-output-buffer-limit pubsub, 1013 at
// maxclients.
inline constexpr unsigned short kWsCloseKilled = 1000;
inline constexpr unsigned short kWsCloseGoingAway = 1001;
inline constexpr unsigned short kWsCloseOutputLimit = 1008;
inline constexpr unsigned short kWsCloseMaxClients = 1013;

// Takes over a TCP socket whose HTTP request is a WebSocket upgrade for GET /ws (auth already
// checked by the HTTP session) and runs the WebSocket session until it closes. Returns at once
// (async on the socket's executor).
void StartWebSocketSession(boost::asio::ip::tcp::socket socket,
                           boost::beast::http::request<boost::beast::http::string_body> req,
                           ServerState& state, Dispatcher& dispatcher);

// Closes (code 1001) every WebSocket session whose socket belongs to `ctx` — the HTTP server's
// io_context — so a server that stops need not wait for its WebSocket clients to leave.
// Thread-safe, returns at once; each session ends on its own strand within a second.
void CloseWebSocketSessions(boost::asio::execution_context& ctx);

}  // namespace fincache::http
