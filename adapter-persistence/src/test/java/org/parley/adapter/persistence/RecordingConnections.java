package org.parley.adapter.persistence;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.hibernate.cfg.AvailableSettings;
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;
import org.hibernate.service.spi.Configurable;

/**
 * Hibernate's connections, from the pool Parley configures, with every statement prepared on them recorded: the SQL
 * text of each {@code prepareStatement}/{@code prepareCall}, and {@code "<statement>"} for each
 * {@code createStatement}. It sees what Hibernate prepares and what the repositories prepare themselves on the session's
 * connection ({@code doWork}/{@code doReturningWork}), which Hibernate's statistics and statement inspector do not.
 * Register an instance as {@link AvailableSettings#CONNECTION_PROVIDER} in the extra Hibernate settings of a test
 * database; one instance serves one session factory.
 */
final class RecordingConnections implements ConnectionProvider, Configurable {

    private final List<String> prepared = new ArrayList<>();
    private volatile SQLException failure;
    private volatile String failingSql;
    private DataSource pool;

    @Override
    public void configure(Map<String, Object> settings) {
        Object dataSource = settings.get(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE);
        if (dataSource == null) {
            dataSource = settings.get(AvailableSettings.DATASOURCE);
        }
        if (!(dataSource instanceof DataSource given)) {
            throw new IllegalStateException("No DataSource in Hibernate's settings: " + dataSource);
        }
        pool = given;
    }

    /** The statements prepared since the last {@link #clear()}, in order. */
    synchronized List<String> prepared() {
        return List.copyOf(prepared);
    }

    synchronized void clear() {
        prepared.clear();
    }

    /**
     * From now on, every statement prepared (after it is recorded) fails with {@code failure} instead, as a connection
     * that broke mid-request or a statement the database refuses would; {@code null} ends that.
     */
    void failStatementsWith(SQLException failure) {
        this.failingSql = null;
        this.failure = failure;
    }

    /** As {@link #failStatementsWith(SQLException)}, for the statements of this SQL text only. */
    void failStatementsWith(SQLException failure, String sql) {
        this.failingSql = sql;
        this.failure = failure;
    }

    private synchronized void record(String sql) {
        prepared.add(sql);
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = pool.getConnection();
        InvocationHandler recording = (proxy, method, args) -> {
            String name = method.getName();
            if (name.equals("prepareStatement") || name.equals("prepareCall")) {
                record((String) args[0]);
                SQLException failing = failure;
                String only = failingSql;
                if (failing != null && (only == null || only.equals(args[0]))) {
                    throw failing;
                }
            } else if (name.equals("createStatement")) {
                record("<statement>");
            }
            try {
                return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, recording);
    }

    @Override
    public void closeConnection(Connection connection) throws SQLException {
        connection.close();
    }

    @Override
    public boolean supportsAggressiveRelease() {
        return false;
    }

    @Override
    public boolean isUnwrappableAs(Class<?> unwrapType) {
        return unwrapType.isInstance(this) || unwrapType.isInstance(pool);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T unwrap(Class<T> unwrapType) {
        return unwrapType.isInstance(this) ? (T) this : (T) pool;
    }
}
