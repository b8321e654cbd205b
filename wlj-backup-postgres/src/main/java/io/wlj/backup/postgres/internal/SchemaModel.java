package io.wlj.backup.postgres.internal;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The objects read so far, keyed by catalog identity, shared by the readers of each object family. */
final class SchemaModel {
    // System catalog OIDs, fixed across PostgreSQL versions.
    static final long PG_CLASS = 1259;
    static final long PG_TYPE = 1247;
    static final long PG_PROC = 1255;
    static final long PG_NAMESPACE = 2615;
    static final long PG_CONSTRAINT = 2606;
    static final long PG_REWRITE = 2618;
    static final long PG_ATTRDEF = 2604;
    static final long PG_EXTENSION = 3079;
    static final long PG_TRIGGER = 2620;
    static final long PG_POLICY = 3256;
    static final long PG_STATISTIC_EXT = 3381;

    final Connection connection;
    final int version;
    final Scoping scope;
    final Map<String, SchemaObject> objects = new LinkedHashMap<>();
    /** Catalog identity ("classoid:objoid") to the key of the object that carries its comment. */
    final Map<String, String> commentTargets = new LinkedHashMap<>();
    final List<String> unsupported = new ArrayList<>();

    SchemaModel(Connection connection, int version, Scoping scope) {
        this.connection = connection;
        this.version = version;
        this.scope = scope;
    }

    SchemaObject add(String key, Toc.Section section, int priority, String kind, String schema, String name) {
        SchemaObject o = new SchemaObject(key, section, priority, kind, schema, name);
        objects.put(key, o);
        return o;
    }

    void commentsGoTo(long classOid, long objectOid, String key) {
        commentTargets.put(classOid + ":" + objectOid, key);
    }

    static String rel(long oid) {
        return "rel:" + oid;
    }

    // Priorities break ties between objects with no dependency between them (pre-data, then post-data).
    static final int P_SCHEMA = 1;
    static final int P_EXTENSION = 2;
    static final int P_TYPE = 3;
    static final int P_FUNCTION = 4;
    static final int P_SEQUENCE = 5;
    static final int P_TABLE = 6;
    static final int P_OWNED_BY = 7;
    static final int P_ATTACH = 8;
    static final int P_VIEW = 9;
    static final int P_MATVIEW = 10;
    static final int P_INDEX = 20;
    static final int P_INDEX_ATTACH = 21;
    static final int P_CONSTRAINT = 22;
    static final int P_FK = 23;
    static final int P_TRIGGER = 24;
    static final int P_RULE = 25;
    static final int P_RLS = 26;
    static final int P_POLICY = 27;
    static final int P_STATISTICS = 28;
    static final int P_REFRESH = 29;
    static final int P_ACL = 30;
    static final int P_EVENT_TRIGGER = 32;
}
