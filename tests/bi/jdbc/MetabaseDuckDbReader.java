import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Reads a published Rebar file the way Metabase's DuckDB driver does, through the same
 * org.duckdb:duckdb_jdbc that driver bundles: a read-only JDBC connection with the driver's
 * connection properties, the table and column descriptions from the information_schema queries
 * its describe-database and describe-table run, and each starter question as a native query.
 *
 * Usage: java -cp duckdb_jdbc.jar:classes MetabaseDuckDbReader FILE QUESTIONS_DIR
 * Prints one JSON document on stdout: the engine version, every table with its columns and their
 * descriptions, and every question's columns and rows (numbers exact, as JSON numbers).
 */
public final class MetabaseDuckDbReader {
  private MetabaseDuckDbReader() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: MetabaseDuckDbReader <published .duckdb file> <folder of starter question .sql files>");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    if (!Files.isRegularFile(file)) {
      System.err.println("No published file at " + file + ": run `rebar nightly` first, or pass the file REBAR_PUBLISHED_PATH names.");
      System.exit(2);
    }
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath(), metabaseProperties())) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("set TimeZone = 'UTC'");
      }
      StringBuilder out = new StringBuilder("{");
      out.append("\"engineVersion\":").append(json(scalar(connection, "select version()")));
      out.append(",\"readOnly\":").append(json(scalar(connection, "select current_setting('access_mode')")));
      out.append(",\"tables\":").append(tables(connection));
      out.append(",\"questions\":").append(questions(connection, Path.of(args[1])));
      System.out.println(out.append('}'));
    }
  }

  /** The properties the driver's jdbc-spec sets for a local file with "read-only" on. */
  private static Properties metabaseProperties() throws Exception {
    Properties properties = new Properties();
    properties.setProperty("duckdb.read_only", "true");
    // The driver's default is beside the file; Rebar's docs set temp_directory because the file's
    // folder is read-only for readers. Here a fresh temporary folder plays that part.
    properties.setProperty("temp_directory", Files.createTempDirectory("duckdb-spill-").toString());
    properties.setProperty("jdbc_stream_results", "true");
    // The driver also passes TimeZone=UTC here. duckdb_jdbc 1.5.5.0 applies it before its statically
    // linked ICU is loaded and tries to download ICU instead, which fails with no network ("To set the
    // TimeZone setting, the icu extension needs to be loaded"); see docs/metabase.md. Set after connecting.
    return properties;
  }

  private static String tables(Connection connection) throws SQLException {
    List<String[]> found = new ArrayList<>();
    String tablesQuery = "select table_schema, table_name, table_comment from information_schema.tables"
        + " where table_schema not in ('information_schema', 'pg_catalog') order by 1, 2";
    // Read to the end before the next query: with jdbc_stream_results a second query on the
    // connection closes a result still streaming.
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(tablesQuery)) {
      while (rows.next()) {
        found.add(new String[] {rows.getString(1), rows.getString(2), rows.getString(3)});
      }
    }
    List<String> tables = new ArrayList<>();
    for (String[] table : found) {
      tables.add("{\"schema\":" + json(table[0]) + ",\"table\":" + json(table[1]) + ",\"description\":" + json(table[2])
          + ",\"columns\":" + columns(connection, table[0], table[1]) + "}");
    }
    return "[" + String.join(",", tables) + "]";
  }

  private static String columns(Connection connection, String schema, String table) throws SQLException {
    List<String> columns = new ArrayList<>();
    String columnsQuery = "select column_name, data_type, column_comment from information_schema.columns"
        + " where table_schema = ? and table_name = ? order by ordinal_position";
    try (var statement = connection.prepareStatement(columnsQuery)) {
      statement.setString(1, schema);
      statement.setString(2, table);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.add("{\"name\":" + json(rows.getString(1)) + ",\"type\":" + json(rows.getString(2)) + ",\"description\":" + json(rows.getString(3)) + "}");
        }
      }
    }
    return "[" + String.join(",", columns) + "]";
  }

  private static String questions(Connection connection, Path folder) throws Exception {
    List<Path> files;
    try (Stream<Path> listing = Files.list(folder)) {
      files = listing.filter(path -> path.toString().endsWith(".sql")).sorted().toList();
    }
    List<String> answers = new ArrayList<>();
    for (Path path : files) {
      String name = path.getFileName().toString().replaceFirst("\\.sql$", "");
      try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(Files.readString(path))) {
        answers.add(json(name) + ":" + resultSet(rows));
      } catch (SQLException error) {
        throw new SQLException("starter question " + path + " failed: " + error.getMessage(), error);
      }
    }
    return "{" + String.join(",", answers) + "}";
  }

  private static String resultSet(ResultSet rows) throws SQLException {
    ResultSetMetaData meta = rows.getMetaData();
    List<String> columns = new ArrayList<>();
    for (int index = 1; index <= meta.getColumnCount(); index++) {
      columns.add(json(meta.getColumnLabel(index)));
    }
    List<String> values = new ArrayList<>();
    while (rows.next()) {
      List<String> row = new ArrayList<>();
      for (int index = 1; index <= meta.getColumnCount(); index++) {
        row.add(value(rows.getObject(index)));
      }
      values.add("[" + String.join(",", row) + "]");
    }
    return "{\"columns\":[" + String.join(",", columns) + "],\"rows\":[" + String.join(",", values) + "]}";
  }

  private static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    }
  }

  /** Numbers exact (a DECIMAL's plain digits, never a rounded double), booleans as booleans, the rest as text. */
  private static String value(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    return json(value.toString());
  }

  private static String json(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder quoted = new StringBuilder("\"");
    for (char character : text.toCharArray()) {
      switch (character) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (character < 0x20) {
            quoted.append(String.format("\\u%04x", (int) character));
          } else {
            quoted.append(character);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}
