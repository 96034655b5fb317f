// The Kafka Streams reference the enrichment bench compares the enricher with: the seed's
// KStream-KTable join (order items re-keyed by product id, joined with a products KTable read straight
// from the Debezium topic), exactly_once_v2, writing the same enriched items to its own output topic.
package pizzashop.reference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

public final class EnrichmentReference {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An order line with what its enriched item needs of the order: the value of the repartition topic keyed by product id. */
  public record OrderLine(String orderId, String createdAt, int itemIndex, JsonNode orderItem) {}

  /** A joined line: the output key (order id) and value. */
  record Enriched(String orderId, String json) {}

  private static final Serde<OrderLine> LINE_SERDE = Serdes.serdeFrom(
      (topic, line) -> {
        try {
          return line == null ? null : JSON.writeValueAsBytes(line);
        } catch (JsonProcessingException e) {
          throw new UncheckedIOException(e);
        }
      },
      (topic, bytes) -> {
        try {
          return bytes == null ? null : JSON.readValue(bytes, OrderLine.class);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });

  /** Debezium's product key {"id":3} read as the id "3" (and written back the same way), so the table is keyed like the order lines. */
  static final Serde<String> PRODUCT_KEY_SERDE = Serdes.serdeFrom(
      (topic, id) -> id == null ? null : ("{\"id\":" + (id.matches("\\d+") ? id : JSON.valueToTree(id).toString()) + "}").getBytes(StandardCharsets.UTF_8),
      (topic, bytes) -> bytes == null ? null : productId(new String(bytes, StandardCharsets.UTF_8)));

  private EnrichmentReference() {}

  private static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) throw new IllegalArgumentException("enrichment reference: set " + name);
    return value;
  }

  /** The product id from the Debezium key {"id":3}; null when the key is not one. */
  static String productId(String key) {
    try {
      JsonNode id = key == null ? null : JSON.readTree(key).get("id");
      return id == null ? null : id.asText();
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** The product as the enricher writes it, from a Debezium change event; null for a delete or a tombstone. */
  static String productJson(String event) {
    if (event == null) return null;
    try {
      JsonNode after = JSON.readTree(event).get("after");
      if (after == null || after.isNull()) return null;
      ObjectNode product = JSON.createObjectNode();
      product.put("id", after.get("id").asText());
      product.put("name", after.get("name").asText());
      product.put("description", after.get("description").asText());
      product.put("category", after.get("category").asText());
      product.put("image", after.get("image").asText());
      product.put("price", after.get("price").asDouble());
      return JSON.writeValueAsString(product);
    } catch (JsonProcessingException | NullPointerException e) {
      return null;
    }
  }

  /** One line per order item, keyed by product id; an order that cannot be read gives none. */
  static List<KeyValue<String, OrderLine>> lines(String orderJson) {
    List<KeyValue<String, OrderLine>> lines = new ArrayList<>();
    try {
      JsonNode order = JSON.readTree(orderJson);
      JsonNode items = order.get("items");
      for (int i = 0; i < items.size(); i++) {
        JsonNode item = items.get(i);
        lines.add(KeyValue.pair(item.get("productId").asText(), new OrderLine(order.get("id").asText(), order.get("createdAt").asText(), i, item)));
      }
    } catch (JsonProcessingException | NullPointerException e) {
      System.err.println("enrichment reference: order skipped: " + e.getMessage());
    }
    return lines;
  }

  static Enriched enrich(OrderLine line, String productJson) {
    try {
      ObjectNode item = JSON.createObjectNode();
      item.put("orderId", line.orderId());
      item.put("createdAt", line.createdAt());
      item.put("itemIndex", line.itemIndex());
      item.set("product", JSON.readTree(productJson));
      item.set("orderItem", line.orderItem());
      return new Enriched(line.orderId(), JSON.writeValueAsString(item));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void main(String[] args) throws InterruptedException {
    StreamsBuilder builder = new StreamsBuilder();
    KTable<String, String> products = builder
        .table(env("PRODUCTS_CDC_TOPIC"), Consumed.with(PRODUCT_KEY_SERDE, Serdes.String()))
        .mapValues(EnrichmentReference::productJson, Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("products").withKeySerde(PRODUCT_KEY_SERDE).withValueSerde(Serdes.String()));
    builder
        .stream(env("ORDERS_TOPIC"), Consumed.with(Serdes.String(), Serdes.String()))
        .flatMap((key, order) -> lines(order))
        .join(products, EnrichmentReference::enrich, Joined.with(PRODUCT_KEY_SERDE, LINE_SERDE, Serdes.String()))
        .map((productId, enriched) -> KeyValue.pair(enriched.orderId(), enriched.json()))
        .to(env("OUTPUT_TOPIC"), Produced.with(Serdes.String(), Serdes.String()));

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, env("APPLICATION_ID"));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, env("KAFKA_BROKERS"));
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, env("STATE_DIR"));
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.parseInt(System.getenv().getOrDefault("THREADS", "1")));
    props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    // 0 is Kafka Streams' default: an order line is joined as soon as it is read, even when the products
    // partition has not been read yet (the item is dropped); more makes the join wait for it that long
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, Long.parseLong(System.getenv().getOrDefault("MAX_TASK_IDLE_MS", "0")));

    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    CountDownLatch done = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      System.out.println("{\"reference\":\"state\",\"state\":\"" + now + "\"}");
      if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) done.countDown();
    });
    streams.setUncaughtExceptionHandler(e -> {
      System.err.println("enrichment reference: stream thread failed: " + e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
      done.countDown();
    }));
    streams.start();
    done.await();
  }
}
