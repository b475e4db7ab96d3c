/// Herald's delivery engine: scheduler, dispatcher, address guard and outcome recording.
public enum HeraldDelivery {
    /// The `user-agent` of every delivery.
    public static let userAgent = "Herald/0.1.0"
}
