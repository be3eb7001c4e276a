package main

import (
	"context"
	"fmt"
	"time"

	v1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/tools/clientcmd"
	namespacecontroller "k8s.io/kubernetes/pkg/controller/namespace"
)

// setUpCluster waits for the default namespace, grants the restricted user what it may do, checks
// both users through their kubeconfigs, and starts the namespace controller.
func setUpCluster(ctx context.Context, k kubeconfigFiles, runNamespaceController bool) error {
	adminConfig, err := clientcmd.BuildConfigFromFlags("", k.admin)
	if err != nil {
		return err
	}
	adminConfig.QPS, adminConfig.Burst = 1000, 2000
	admin, err := kubernetes.NewForConfig(adminConfig)
	if err != nil {
		return err
	}

	// the bootstrap controller creates it shortly after start; tests may create objects there
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err := admin.CoreV1().Namespaces().Get(ctx, "default", metav1.GetOptions{})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("namespace default not created: %w", err)
		}
		time.Sleep(100 * time.Millisecond)
	}

	role := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "netpol-test:namespace-reader"},
		Rules: []rbacv1.PolicyRule{{
			APIGroups: []string{""},
			Resources: []string{"namespaces"},
			Verbs:     []string{"get", "list", "watch"},
		}},
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "netpol-test:namespace-reader"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: restrictedUser}},
	}
	if _, err := admin.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	if _, err := admin.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}

	// The restricted user must see namespaces (RBAC caches settle quickly but not at once) and must
	// be denied pods: the kubeconfig it is given is checked to behave as promised.
	restrictedConfig, err := clientcmd.BuildConfigFromFlags("", k.restricted)
	if err != nil {
		return err
	}
	restricted, err := kubernetes.NewForConfig(restrictedConfig)
	if err != nil {
		return err
	}
	deadline = time.Now().Add(30 * time.Second)
	for {
		_, err := restricted.CoreV1().Namespaces().List(ctx, metav1.ListOptions{Limit: 1})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the restricted user cannot list namespaces: %w", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, err := restricted.CoreV1().Pods("default").List(ctx, metav1.ListOptions{Limit: 1}); !apierrors.IsForbidden(err) {
		return fmt.Errorf("the restricted user should be forbidden to list pods, got %v", err)
	}

	if runNamespaceController {
		metadataClient, err := metadata.NewForConfig(adminConfig)
		if err != nil {
			return err
		}
		factory := informers.NewSharedInformerFactory(admin, 0)
		// as kube-controller-manager's startNamespaceController does, with its default sync period
		controller := namespacecontroller.NewNamespaceController(ctx, admin, metadataClient,
			admin.Discovery().ServerPreferredNamespacedResources,
			factory.Core().V1().Namespaces(), 5*time.Minute, v1.FinalizerKubernetes)
		factory.Start(ctx.Done())
		go controller.Run(ctx, 5)
	}
	return nil
}
