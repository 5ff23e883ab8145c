package io.netmgr.core;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.netmgr.core.ipam.AddressRange;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.addr.IpPrefix;
import java.io.IOException;
import java.util.List;
import java.util.function.Function;

/**
 * How the model's address values read and write JSON: as the text people write
 * ({@code "10.1.0.2/24"}, {@code "fd00::1"}), the form records were stored in before they were
 * typed. Named on each record component, so every mapper (the store, the REST API, the CLI)
 * writes the same text; the netlink module, where the values live, knows no JSON.
 */
public final class AddressJson {
    private AddressJson() {
    }

    /** Reads {@code "10.1.0.2"} or {@code "fd00::2"}. */
    public static final class IpAddressText extends Text<IpAddress> {
        public IpAddressText() {
            super(IpAddress.class, IpAddress::parse);
        }
    }

    /** Reads {@code "10.1.0.0/24"}. */
    public static final class IpPrefixText extends Text<IpPrefix> {
        public IpPrefixText() {
            super(IpPrefix.class, IpPrefix::parse);
        }
    }

    /** Reads an interface address, {@code "10.1.0.2/24"}. */
    public static final class IpNetText extends Text<IpNet> {
        public IpNetText() {
            super(IpNet.class, IpNet::parse);
        }
    }

    /** Reads address ranges as {@link AddressRange#format} writes them. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static final class RangesText extends Text<List<AddressRange>> {
        public RangesText() {
            super((Class) List.class, AddressRange::parseAll);
        }
    }

    /** Writes address ranges as one text, {@code "10.1.0.10-10.1.0.20,10.1.0.128/25"}; none is empty. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static final class RangesWriter extends StdSerializer<List<AddressRange>> {
        public RangesWriter() {
            super((Class) List.class);
        }

        @Override
        public void serialize(List<AddressRange> ranges, JsonGenerator json, SerializerProvider provider) throws IOException {
            json.writeString(AddressRange.format(ranges));
        }

        @Override
        public boolean isEmpty(SerializerProvider provider, List<AddressRange> ranges) {
            return ranges == null || ranges.isEmpty();
        }
    }

    private abstract static class Text<T> extends FromStringDeserializer<T> {
        private final transient Function<String, T> parse;

        Text(Class<T> type, Function<String, T> parse) {
            super(type);
            this.parse = parse;
        }

        @Override
        protected T _deserialize(String text, DeserializationContext context) {
            return parse.apply(text);
        }
    }
}
