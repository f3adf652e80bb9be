/** The typed process configuration, built once at boot by `parseConfig` and injected as `AppConfig`. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type LogFormat = 'json' | 'pretty' | 'auto';

export abstract class AppConfig {
  abstract readonly nodeEnv: 'development' | 'production' | 'test';
  abstract readonly host: string;
  abstract readonly port: number;
  abstract readonly publicUrl: string | null;
  abstract readonly dataDir: string;
  /** PostgreSQL connection string; null means the embedded SQLite file in `dataDir`. */
  abstract readonly databaseUrl: string | null;
  abstract readonly superadmin: { email: string; password: string } | null;
  abstract readonly logLevel: LogLevel;
  abstract readonly logFormat: LogFormat;
  /** Null means "generate one into dataDir on first start". */
  abstract readonly jwtSecret: string | null;
  abstract readonly jwtExpiresInSeconds: number;
  abstract readonly trustProxy: boolean;
  /** bcrypt cost factor; lower only in tests. */
  abstract readonly passwordHashCost: number;
  abstract readonly loginRateLimit: {
    windowSeconds: number;
    maxPerIp: number;
    maxPerAccount: number;
  };
}
