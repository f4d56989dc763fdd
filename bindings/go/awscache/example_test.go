package awscache_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/clientcache/clientcache/bindings/go"
	"github.com/clientcache/clientcache/bindings/go/awscache"
)

// One call returns a cached *s3.Client: built on the first call (no network
// is needed for that), the identical pointer afterwards.
func ExampleS3() {
	sess, err := awscache.NewSession()
	if err != nil {
		panic(err)
	}
	defer sess.Close()
	ctx := context.Background()
	opts := []awscache.Option{
		awscache.WithRegion("us-west-2"),
		awscache.WithRetries(aws.RetryModeStandard, 3), // 3 attempts in all
		awscache.WithStaticCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
	}
	first, err := awscache.S3(ctx, sess, opts...)
	if err != nil {
		panic(err)
	}
	again, _ := awscache.S3(ctx, sess, opts...)
	fmt.Println(first == again, first.Options().Region, first.Options().RetryMaxAttempts)

	key, _ := sess.Key("s3", opts...)
	fmt.Println(key.Fingerprint())
	fmt.Println(key.Label())
	// Output:
	// true us-west-2 3
	// 850027e0fa84fd8357fd30dbe8c21898
	// s3(aws_access_key_id=***, aws_secret_access_key=***, config={"retries":{"mode":"standard","total_max_attempts":3}}, region_name="us-west-2")
}

// A credentials provider is an object: the same provider object shares a
// client, another object (even an identical one) gets its own. Its key
// records "instance:<n>", never the credentials.
func ExampleWithCredentialsProvider() {
	sess, err := awscache.NewSession()
	if err != nil {
		panic(err)
	}
	defer sess.Close()
	ctx := context.Background()
	provider := aws.NewCredentialsCache(aws.CredentialsProviderFunc(
		func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "example-secret"}, nil
		}))
	a, _ := awscache.S3(ctx, sess, awscache.WithRegion("us-west-2"), awscache.WithCredentialsProvider(provider))
	b, _ := awscache.S3(ctx, sess, awscache.WithRegion("us-west-2"), awscache.WithCredentialsProvider(provider))
	other := aws.NewCredentialsCache(aws.AnonymousCredentials{})
	c, _ := awscache.S3(ctx, sess, awscache.WithRegion("us-west-2"), awscache.WithCredentialsProvider(other))
	fmt.Println(a == b, a == c)

	key, _ := sess.Key("s3", awscache.WithCredentialsProvider(provider))
	fmt.Println(strings.Contains(key.Label(), `"credential_provider":"instance:`))
	// Output:
	// true false
	// true
}

// Many tenants, each with temporary credentials (e.g. from an STS
// AssumeRole per tenant): one session caches a client per tenant, each
// client leaves the cache the refresh margin before its credentials
// expire, and a call failing with an expired token evicts that tenant's
// client at once. The expiry is not part of the key.
func ExampleWithCredentials() {
	sess, err := awscache.NewSession(
		awscache.WithMaxSize(100),                 // tenants kept at once
		awscache.WithRefreshMargin(5*time.Minute), // the default
		awscache.WithOnEvict(func(key *clientcache.Key, _ any, cause clientcache.Cause) {
			// e.g. a metric per cause: Expired, Removed (auth error), Evicted
		}))
	if err != nil {
		panic(err)
	}
	defer sess.Close()
	ctx := context.Background()
	// What a credential broker would return for each tenant.
	tenantCreds := func(tenant string) aws.Credentials {
		return aws.Credentials{AccessKeyID: "ASIA" + strings.ToUpper(tenant), SecretAccessKey: "secret-of-" + tenant,
			SessionToken: "token-of-" + tenant, CanExpire: true, Expires: time.Now().Add(time.Hour)}
	}
	clientFor := func(tenant string) (*s3.Client, error) {
		return awscache.S3(ctx, sess, awscache.WithRegion("eu-west-1"), awscache.WithCredentials(tenantCreds(tenant)))
	}
	acme1, _ := clientFor("acme")
	acme2, _ := clientFor("acme") // the same client for 55 minutes
	globex, _ := clientFor("globex")
	fmt.Println(acme1 == acme2, acme1 == globex)
	fmt.Println(sess.Cache(clientcache.LRU).Len())
	// Output:
	// true false
	// 2
}
