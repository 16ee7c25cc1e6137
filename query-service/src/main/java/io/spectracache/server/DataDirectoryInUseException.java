package io.spectracache.server;

import io.spectracache.errors.ErrorCode;
import io.spectracache.errors.SpectraException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Another SpectraCache process (or another instance in this JVM) runs on this data directory. Nothing was
 * touched: stop that process, or give this one its own {@code --data-dir}.
 */
public final class DataDirectoryInUseException extends SpectraException {
    private static final long serialVersionUID = 1L;
    private final Path dataDir;
    private final transient OptionalLong ownerPid;

    DataDirectoryInUseException(Path dataDir, OptionalLong ownerPid) {
        super(ErrorCode.INTERNAL, message(dataDir, ownerPid));
        this.dataDir = dataDir;
        this.ownerPid = ownerPid;
    }

    private static String message(Path dataDir, OptionalLong ownerPid) {
        String owner = ownerPid.isPresent() ? "process " + ownerPid.getAsLong() : "another process";
        return "the data directory " + dataDir + " is in use by " + owner + " (lock " + DataDirLock.FILE_NAME
                + "); stop that instance first, or start this one with its own --data-dir";
    }

    /** The directory that is in use, absolute. */
    public Path dataDir() {
        return dataDir;
    }

    /** The PID of the process that holds the directory, when its lock file names one. */
    public OptionalLong ownerPid() {
        return ownerPid;
    }
}
